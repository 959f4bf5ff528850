import { MemoryStore } from "../../../src/store/memory_store.ts";
import { storeContract } from "./store_contract.ts";

storeContract("MemoryStore", (options) => new MemoryStore(options));
