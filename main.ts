import { z } from "zod";
import { Cron } from "croner";
import { parse } from "yaml";
import { Command } from "@commander-js/extra-typings";
console.log(z, Cron, parse, Command);
