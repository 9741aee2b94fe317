// The task declarations hold to the project's conventions: every task in a group, help text on every option and
// argument, the shared --deployment / --json options on the chain tasks, --from only where a task sends or signs,
// and no required input hidden behind an empty default.
import { expect } from "chai";

import type { NewTaskDefinition, TaskDefinition } from "hardhat/types/tasks";

import { taskDefinitions } from "../../tasks/index.js";

const isTask = (t: TaskDefinition): t is NewTaskDefinition => "positionalArguments" in t;
const tasks = taskDefinitions.filter(isTask);
const name = (t: { id: string[] }) => t.id.join(" ");

/** Tasks that only read the chain (the init tasks write a local file): they must not take a signer. */
const READ_ONLY = [
  "eigenlayer status",
  "member status",
  "ledger status",
  "interim list",
  "transfer deposit-address list",
  "transfer notice list",
  "transfer notice show",
  "transfer credit",
  "record verify",
  "fraud prove",
  "governance pending",
  "governance read",
  "governance roles",
  "operator init",
  "operator encryption-key show",
  "aggregator init",
];

describe("task declarations", function () {
  it("put every project task but a few top-level ones in a declared group", function () {
    const groups = new Set(taskDefinitions.filter((t) => !("options" in t)).map((t) => t.id[0]));
    const topLevel = tasks.filter((t) => t.id.length === 1).map(name);
    expect(topLevel.sort()).to.deep.equal(["abi", "circuits", "demo", "keygen", "schemas", "snapshot"]);
    for (const t of tasks.filter((x) => x.id.length === 2)) {
      expect(groups.has(t.id[0]), `${name(t)}: group ${t.id[0]} has no emptyTask`).to.equal(true);
    }
  });

  it("give every task, option and positional argument help text", function () {
    for (const t of tasks) {
      expect(t.description, name(t)).to.not.equal("");
      for (const [option, o] of Object.entries(t.options)) {
        expect(o.description, `${name(t)} --${option}`)
          .to.be.a("string")
          .and.not.equal("");
      }
      for (const a of t.positionalArguments) {
        expect(a.description, `${name(t)} <${a.name}>`)
          .to.be.a("string")
          .and.not.equal("");
      }
    }
  });

  it("take --deployment and --json on chain tasks, --from only on tasks that sign", function () {
    for (const t of tasks) {
      const options = Object.keys(t.options);
      if (!options.includes("deployment")) continue;
      if (name(t) !== "verifier serve") expect(options, name(t)).to.include("json");
      if (READ_ONLY.includes(name(t))) expect(options, name(t)).to.not.include("from");
      else expect(options, name(t)).to.include("from");
    }
  });

  it("declare ids and times as BIGINT", function () {
    const idOrTime = /^(t|time|request|requestId|validFrom)$/;
    for (const t of tasks) {
      for (const [option, o] of Object.entries(t.options)) {
        if (idOrTime.test(option)) expect(o.type, `${name(t)} --${option}`).to.equal("BIGINT");
      }
      for (const a of t.positionalArguments) {
        if (idOrTime.test(a.name)) expect(a.type, `${name(t)} <${a.name}>`).to.equal("BIGINT");
      }
    }
  });
});
