import assert from "node:assert/strict";
import { CronSyntaxError, parseCron } from "../../../src/spec/cron.ts";

/** The message of the CronSyntaxError that parsing `expression` throws. */
function failure(expression: string): string {
  try {
    parseCron(expression, { timeZone: "UTC" });
  } catch (error) {
    assert.ok(error instanceof CronSyntaxError, `${expression}: ${error}`);
    return error.message;
  }
  assert.fail(`parseCron("${expression}") should have failed`);
}

/** The hint of the CronSyntaxError that parsing `expression` throws. */
function hint(expression: string): string | undefined {
  try {
    parseCron(expression);
  } catch (error) {
    if (error instanceof CronSyntaxError) return error.hint;
  }
  assert.fail(`parseCron("${expression}") should have failed with a CronSyntaxError`);
}

Deno.test("CronSyntaxError is a SyntaxError named CronSyntaxError", () => {
  const error = new CronSyntaxError("missing field(s)", { hint: "five fields" });
  assert.ok(error instanceof SyntaxError);
  assert.equal(error.name, "CronSyntaxError");
  assert.equal(error.message, "missing field(s)");
  assert.equal(error.hint, "five fields");
});

Deno.test("parseCron() says missing field(s) for fewer than 5 fields", () => {
  for (const expression of ["", "   ", "*", "* * * *", "0 0 1 1"]) {
    assert.equal(failure(expression), "missing field(s)", JSON.stringify(expression));
  }
});

Deno.test("parseCron() says missing field(s) for macros cronexpr lacks, with a hint", () => {
  for (const expression of ["@midnight", "@reboot", "@every 5m", "@DAILY", "@Hourly", "@often"]) {
    assert.equal(failure(expression), "missing field(s)", expression);
  }
  assert.match(hint("@midnight") ?? "", /"@daily"/);
  assert.match(hint("@reboot") ?? "", /not supported/);
  assert.match(hint("@every 5m") ?? "", /not supported/);
  assert.equal(hint("@DAILY"), 'macros are lowercase: use "@daily"');
  assert.match(hint("@often") ?? "", /@yearly, @annually, @monthly, @weekly, @daily, @hourly/);
  assert.match(hint("* * *") ?? "", /5 fields/);
});

Deno.test("parseCron() rejects more than 7 fields instead of ignoring the extras", () => {
  const message =
    "too many fields: 8 (at most 7: second minute hour day-of-month month day-of-week year)";
  assert.equal(failure("0 0 * * 1 * * *"), message);
  assert.equal(failure("@daily now"), message);
  assert.match(failure("* * * * * * * * *"), /^too many fields: 9 /);
});

Deno.test("parseCron() reports out-of-range values as syntax errors naming the field", () => {
  const cases: [string, string][] = [
    ["60 * * * * * *", "syntax error in second field: '60'"],
    ["61 * * * *", "syntax error in minute field: '61'"],
    ["60 * * * *", "syntax error in minute field: '60'"],
    ["005 * * * *", "syntax error in minute field: '005'"],
    ["0 24 * * *", "syntax error in hour field: '24'"],
    ["0 0 0 * *", "syntax error in day-of-month field: '0'"],
    ["0 0 32 * *", "syntax error in day-of-month field: '32'"],
    ["0 0 00 * *", "syntax error in day-of-month field: '00'"],
    ["0 0 1 13 *", "syntax error in month field: '13'"],
    ["0 0 1 0 *", "syntax error in month field: '0'"],
    ["0 0 * * 8", "syntax error in day-of-week field: '8'"],
    ["0 0 1 1 * 2100", "syntax error in year field: '2100'"],
    ["0 0 1 1 * 1969", "syntax error in year field: '1969'"],
    ["0 0 1 1 * 1970-2100", "syntax error in year field: '1970-2100'"],
  ];
  for (const [expression, message] of cases) assert.equal(failure(expression), message);
});

Deno.test("parseCron() quotes the entry as written in syntax errors", () => {
  const cases: [string, string][] = [
    ["0 0 * * FOO", "syntax error in day-of-week field: 'FOO'"],
    ["0 0 * Jan-Foo *", "syntax error in month field: 'Jan-Foo'"],
    ["1,X * * * *", "syntax error in minute field: 'X'"],
    ["0 0 1-5W * *", "syntax error in day-of-month field: '1-5W'"],
    ["0 0 W * *", "syntax error in day-of-month field: 'W'"],
    ["0 0 * * 1 20xx", "syntax error in year field: '20xx'"],
    ["?/5 * * * *", "syntax error in minute field: '?/5'"],
  ];
  for (const [expression, message] of cases) assert.equal(failure(expression), message);
});

Deno.test("parseCron() rejects a bare L and croner-only extensions in day-of-week", () => {
  const cases: [string, string][] = [
    ["0 0 * * L", "syntax error in day-of-week field: 'L'"],
    ["0 0 * * 5#L", "syntax error in day-of-week field: '5#L'"],
    ["0 0 * * FRI#L", "syntax error in day-of-week field: 'FRI#L'"],
    ["0 0 * * +1", "syntax error in day-of-week field: '+1'"],
    ["0 0 * * 5#6", "syntax error in day-of-week field: '5#6'"],
    ["0 0 * * 5#0", "syntax error in day-of-week field: '5#0'"],
    ["0 0 L * L", "syntax error in day-of-week field: 'L'"],
    ["0 0 * * 1-5L", "syntax error in day-of-week field: '1-5L'"],
  ];
  for (const [expression, message] of cases) assert.equal(failure(expression), message);
});

Deno.test("parseCron() rejects steps outside 1..field maximum as invalid interval", () => {
  const cases: [string, string][] = [
    ["*/0 * * * *", "invalid interval */0"],
    ["*/60 * * * *", "invalid interval */60"],
    ["*/60 * * * * * *", "invalid interval */60"],
    ["0 */24 * * *", "invalid interval */24"],
    ["0 0 * * */7", "invalid interval */7"],
    ["0 0 */32 * *", "invalid interval */32"],
    ["0 0 1 */13 *", "invalid interval */13"],
    ["0 0 1 1 * */0", "invalid interval */0"],
    ["0 0 1 1 * */60", "invalid interval */60"],
    ["10-20/0 * * * *", "invalid interval 10-20/0"],
    ["5/100 * * * *", "invalid interval 5/100"],
    ["*/005 * * * *", "invalid interval */005"],
    ["0 0 * * MON/7", "invalid interval mon/7"],
    ["0 0 * JAN-JUN/13 *", "invalid interval jan-jun/13"],
  ];
  for (const [expression, message] of cases) assert.equal(failure(expression), message);
  for (const fine of ["*/59 * * * *", "0 */23 * * *", "0 0 */31 * *", "0 0 1 */12 *"]) {
    assert.doesNotThrow(() => parseCron(fine), fine);
  }
  assert.doesNotThrow(() => parseCron("0 0 * * */6"));
  assert.doesNotThrow(() => parseCron("*/05 * * * *"));
});

Deno.test("parseCron() says <field> field: missing directive for a field of commas", () => {
  assert.equal(failure(", * * * *"), "minute field: missing directive");
  assert.equal(failure(", * * * * * *"), "second field: missing directive");
  assert.equal(failure("0 ,, * * *"), "hour field: missing directive");
  assert.equal(failure("0 0 , * *"), "day-of-month field: missing directive");
  assert.equal(failure("0 0 * , *"), "month field: missing directive");
  assert.equal(failure("0 0 * * ,"), "day-of-week field: missing directive");
  assert.equal(failure("0 0 * * * ,"), "year field: missing directive");
  // Like cronexpr, empty entries next to real ones are skipped.
  assert.equal(parseCron("1,,2, * * * *").pattern, "0 1,2 * * * * *");
});

Deno.test("parseCron() reports errors in cronexpr's order", () => {
  // Fields in order, seconds first.
  assert.equal(failure("61 0 0 0 *"), "syntax error in minute field: '61'");
  assert.equal(failure("0 24 0 13 *"), "syntax error in hour field: '24'");
  // Within a field, a bad step anywhere comes before a bad entry.
  assert.equal(failure("foo,*/0 * * * *"), "invalid interval */0");
  assert.equal(failure("*/0,foo * * * *"), "invalid interval */0");
});

Deno.test("parseCron() rejects ranges that end before they start", () => {
  assert.equal(
    failure("30-10 * * * *"),
    "syntax error in minute field: '30-10' (the range ends before it starts)",
  );
  assert.equal(
    failure("0 0 * * 3-1"),
    "syntax error in day-of-week field: '3-1' (the range ends before it starts)",
  );
  // cronexpr's own errors in later fields come first.
  assert.equal(failure("30-10 61 * * *"), "syntax error in hour field: '61'");
});

Deno.test("parseCron() checks every list entry, also after a *", () => {
  assert.equal(failure("*,foo * * * *"), "syntax error in minute field: 'foo'");
  assert.equal(failure("0 0 1 1 * *,1960"), "syntax error in year field: '1960'");
  // Entries that are valid still make no difference next to a *.
  assert.equal(parseCron("0 0 *,L * *").pattern, "0 0 0 * * * *");
});

Deno.test("parseCron() refuses an unknown time zone", () => {
  for (const zone of ["Mars/Olympus", "", "+02:00", "Z"]) {
    assert.throws(
      () => parseCron("* * * * *", { timeZone: zone }),
      new RangeError(`Cannot use time zone "${zone}": unknown IANA time zone`),
    );
  }
});
