import { expect } from "chai";

import { recordFileSchema } from "../../src/records/file.js";
import { decimalBelow, fieldElement, u96String } from "../../src/schema/index.js";

describe("shared schemas", function () {
  it("refuses a non-decimal string with an issue, not an exception", function () {
    for (const schema of [fieldElement, u96String, decimalBelow(10n)]) {
      const result = schema.safeParse("x");
      expect(result.success).to.equal(false);
      expect(result.error?.issues[0].message).to.equal("must be a decimal integer string");
    }
  });

  it("enforces the upper bound", function () {
    expect(u96String.safeParse((2n ** 96n - 1n).toString()).success).to.equal(true);
    expect(u96String.safeParse((2n ** 96n).toString()).success).to.equal(false);
    expect(decimalBelow(10n).safeParse("010").success).to.equal(false);
  });

  it("lets a record file with a non-decimal balance fail validation by field", function () {
    const result = recordFileSchema.safeParse({ format: "por.record", version: 1, record: { balance: "x" } });
    expect(result.success).to.equal(false);
    const balanceIssue = result.error?.issues.find((i) => i.path.join(".") === "record.balance");
    expect(balanceIssue?.message).to.equal("must be a decimal integer string");
  });
});
