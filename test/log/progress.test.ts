// Progress lines (src/log/progress.ts): one self-overwriting line in a terminal, plain throttled lines elsewhere.
import { expect } from "chai";

import { progressReporter } from "../../src/log/progress.js";

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
}

describe("progress lines", () => {
  it("overwrite one line in a terminal, ending it at the phase's last step", () => {
    let t = 0;
    const { out, stream } = sink(true);
    const p = progressReporter(stream, "snapshot", { now: () => t });
    p.report("sign", 0, 3);
    t = 100;
    p.report("sign", 1, 3); // throttled
    t = 600;
    p.report("sign", 2, 3);
    p.report("sign", 3, 3);
    expect(out).to.deep.equal([
      "\r[snapshot] sign 0/3    ",
      "\r[snapshot] sign 2/3    ",
      "\r[snapshot] sign 3/3    \n",
    ]);
    p.finish(); // nothing open
    expect(out).to.have.length(3);
  });

  it("print plain lines without carriage returns when not a terminal (a log, a pipe, CI)", () => {
    let t = 0;
    const { out, stream } = sink(false);
    const p = progressReporter(stream, "snapshot", { now: () => t });
    p.report("sign", 0, 1000);
    t = 1_000;
    p.report("sign", 10, 1000); // throttled: plain lines every 5 s
    t = 6_000;
    p.report("sign", 500, 1000);
    p.report("tree", 0, 2); // a new phase is printed at once
    p.report("tree", 2, 2);
    p.report("sign", 1000, 1000);
    p.finish();
    expect(out).to.deep.equal([
      "[snapshot] sign 0/1000\n",
      "[snapshot] sign 500/1000\n",
      "[snapshot] tree 0/2\n",
      "[snapshot] tree 2/2\n",
      "[snapshot] sign 1000/1000\n",
    ]);
    expect(out.join("")).to.not.contain("\r");
  });

  it("a stream without isTTY is not a terminal; finish ends an open terminal line before an error message", () => {
    const plain: string[] = [];
    progressReporter({ write: (s: string) => plain.push(s) }, "x").report("a", 1, 2);
    expect(plain).to.deep.equal(["[x] a 1/2\n"]);
    const { out, stream } = sink(true);
    const p = progressReporter(stream, "x");
    p.report("a", 1, 2);
    p.finish();
    p.finish();
    expect(out).to.deep.equal(["\r[x] a 1/2    ", "\n"]);
  });
});
