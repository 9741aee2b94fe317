// The verifier service's per-client token buckets (src/verifier-service/rate-limit.ts), on a fake clock.
import { expect } from "chai";

import { NETWORK_SHARE, RateLimiter, clientKey, clientKeys } from "../../src/verifier-service/rate-limit.js";

describe("verifier service rate limit", function () {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it("keys IPv4 by address (mapped too) and IPv6 by its /64, charging the /48 as well", function () {
    expect(clientKey("::ffff:10.0.0.7")).to.equal("10.0.0.7");
    expect(clientKey("2001:0db8:0:12::5")).to.equal("2001:db8:0:12::/64");
    expect(clientKey(undefined)).to.equal("unknown");
    expect(clientKeys("10.0.0.7")).to.deep.equal([{ key: "10.0.0.7", scale: 1 }]);
    expect(clientKeys("2001:db8:0:12::5")).to.deep.equal([
      { key: "2001:db8:0:12::/64", scale: 1 },
      { key: "2001:db8:0::/48", scale: NETWORK_SHARE },
    ]);
  });

  it("allows a burst, refuses beyond it with the seconds to wait, and refills over time", function () {
    const l = new RateLimiter({ perSecond: 10, burst: 100 }, clock);
    expect(l.take("a", 100)).to.equal(0);
    expect(l.take("a", 1)).to.equal(1);
    expect(l.take("b", 100), "another client is not slowed").to.equal(0);
    now = 5_000;
    expect(l.take("a", 60)).to.equal(1); // 50 refilled, 10 short: 1 s
    expect(l.take("a", 50)).to.equal(0);
    expect(l.take("a", 1_000), "a cost above the burst is charged as the burst").to.equal(10);
  });

  it("charges all the buckets of an IPv6 client or none: a /48 holds NETWORK_SHARE bursts", function () {
    const l = new RateLimiter({ perSecond: 1, burst: 10 }, clock);
    let allowed = 0;
    for (let i = 0; i < 3 * NETWORK_SHARE; i++)
      if (l.take(clientKeys(`2001:db8:77:${i.toString(16)}::1`), 10) === 0) allowed++;
    expect(allowed).to.equal(NETWORK_SHARE);
    // A refused charge takes nothing from the /64 either: another /48 serves it at once.
    expect(l.take(clientKeys("2001:db8:78:0::1"), 10)).to.equal(0);
    expect(l.take(clientKeys("2001:db8:77:ffff::1"), 10)).to.be.greaterThan(0);
    now = 10_000;
    expect(l.take(clientKeys("2001:db8:77:ffff::1"), 10), "the /48 refilled 10 s x 16 records/s").to.equal(0);
  });

  it("keeps the table bounded under a flood from more addresses than it holds", function () {
    const l = new RateLimiter({ perSecond: 1, burst: 1 }, clock);
    for (let i = 0; i < 150_000; i++) l.take(`c${i}`, 1);
    expect(l.size).to.be.at.most(100_000);
  });
});
