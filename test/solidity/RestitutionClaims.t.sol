// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRestitutionClaims} from "../../contracts/interfaces/IRestitutionClaims.sol";
import {TestRestitutionClaims} from "../../contracts/mocks/TestRestitutionClaims.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @dev What settling a round takes from `pool` with `booked` of unpaid claims at the round's insurance share
/// `shareBps` (fixed when it opened): `reserved = min(booked, pool * (1 - s))` and `insurance = min(reserved * s /
/// (1 - s), pool - reserved)`, so insurance is s of what the round takes and nothing booked takes nothing.
function settlementOf(
    uint256 pool,
    uint256 booked,
    uint256 shareBps
) pure returns (uint256 reserved, uint256 insurance) {
    reserved = (pool * (10_000 - shareBps)) / 10_000;
    if (reserved > booked) reserved = booked;
    insurance = (reserved * shareBps) / (10_000 - shareBps);
    if (insurance > pool - reserved) insurance = pool - reserved;
}

/// @notice Books claims against two members under a small nullifier space, funds their pools in bits, moves time,
/// changes the insurance share (as governance; also beyond the 50% limit), vetoes, settles and pays (also with wrong
/// payouts), and records per round the share it opened with, what was reserved at settlement and what was paid, and
/// whether any settlement took other than the settlement rule or any payment more than its claim.
contract ClaimsHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant NULLIFIERS = 6;
    uint256 internal constant MEMBERS = 2;

    TestRestitutionClaims public immutable claims;
    TestToken public immutable token;

    struct Booked {
        bool booked;
        bool done;
        IRestitutionClaims.ClaimTerms terms;
    }

    mapping(address member => mapping(uint256 nullifier => Booked claim)) internal _booked;
    mapping(address member => mapping(address token => mapping(uint32 round => uint256 amount))) public reservedAt;
    mapping(address member => mapping(address token => mapping(uint32 round => uint256 amount))) public paidIn;
    mapping(address member => mapping(address token => uint32 round)) public settledUpTo;
    /// @notice The insurance share in force when each round opened.
    mapping(address member => mapping(address token => mapping(uint32 round => uint256 bps))) public shareAt;
    /// @notice Set when a settlement took other than settlementOf(pool, booked, the round's share), took more than
    /// the pool, insurance above s of what it took, or anything for a round with nothing booked.
    bool public badSettlement;
    /// @notice Set when an insurance share above MAX_INSURANCE_SHARE_BPS was accepted (or one within it refused).
    bool public badParams;
    /// @notice Set when a payment exceeded its claim, reached a wrong payout, or paid before the round closed.
    bool public badPayment;
    /// @notice Set when a second booking of (member, nullifier) succeeded.
    bool public doubleBooked;

    /// @dev Deploys the claim book itself, so it is its governance (and may change the share).
    constructor(TestToken token_, IRestitutionClaims.ClaimParams memory params) {
        claims = new TestRestitutionClaims(address(token_), params);
        token = token_;
    }

    function book(uint256 n, uint256 who, bool inToken, uint96 amount, bool withPayout) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        address member = memberAt(who % MEMBERS);
        uint32 asset = inToken ? 2 : 1;
        uint256 payoutHash = withPayout ? claims.payoutHashOf(payoutOf(nullifier), nullifier) : 0;
        address t = inToken ? address(token) : address(0);
        IRestitutionClaims.RoundInfo memory before = claims.roundOf(member, t, 0);
        uint256 poolBefore = claims.poolHolding(member, t);
        (bool ok, uint32 round) = claims.book(member, nullifier, asset, amount, payoutHash);
        // The share in force now (this call cannot change it) is the one a round opened by this booking keeps.
        if (ok && round != before.round) _openedAt(member, t, round);
        if (_booked[member][nullifier].booked) {
            if (ok) doubleBooked = true;
            return;
        }
        if (!ok) doubleBooked = true;
        _booked[member][nullifier] = Booked(
            true,
            false,
            IRestitutionClaims.ClaimTerms(asset, amount, round, payoutHash)
        );
        // Opening the next round settled the closed one.
        if (round != before.round && before.round != 0 && !before.settled) {
            _settled(member, t, before.round, before.booked, poolBefore, 0);
        }
    }

    function fund(uint256 who, bool inToken, uint96 amount) external {
        address member = memberAt(who % MEMBERS);
        if (!inToken) {
            VM.deal(address(this), amount);
            claims.fundEth{value: amount}(member);
        } else {
            token.mint(address(this), amount);
            token.approve(address(claims), amount);
            claims.fundToken(member, amount);
        }
    }

    /// @notice Governance sets the insurance share to `bps` (up to 2 * MAX_INSURANCE_SHARE_BPS, so some are refused).
    function setShare(uint16 bps) external {
        IRestitutionClaims.ClaimParams memory params = claims.claimParams();
        params.insuranceShareBps = uint16(bps % (2 * uint256(claims.MAX_INSURANCE_SHARE_BPS()) + 1));
        try claims.setClaimParams(params) {
            if (params.insuranceShareBps > claims.MAX_INSURANCE_SHARE_BPS()) badParams = true;
        } catch {
            if (params.insuranceShareBps <= claims.MAX_INSURANCE_SHARE_BPS()) badParams = true;
        }
    }

    function warp(uint32 seconds_) external {
        VM.warp(block.timestamp + (seconds_ % 4 days));
    }

    function veto(uint256 n, uint256 who) external {
        address member = memberAt(who % MEMBERS);
        Booked storage b = _booked[member][1 + (n % NULLIFIERS)];
        if (!b.booked || b.done) return;
        try claims.vetoClaim(member, 1 + (n % NULLIFIERS), b.terms, "fuzz") {
            b.done = true;
        } catch {}
    }

    function settle(uint256 who, bool inToken) external {
        address member = memberAt(who % MEMBERS);
        address t = inToken ? address(token) : address(0);
        IRestitutionClaims.RoundInfo memory before = claims.roundOf(member, t, 0);
        if (before.round == 0) return;
        uint256 poolBefore = claims.poolHolding(member, t);
        try claims.settleRound(member, t, before.round) {
            if (!before.settled) _settled(member, t, before.round, before.booked, poolBefore, 0);
        } catch {
            if (block.timestamp >= before.closesAt) badSettlement = true;
        }
    }

    function pay(uint256 n, uint256 who, bool wrongPayout) external {
        address member = memberAt(who % MEMBERS);
        uint256 nullifier = 1 + (n % NULLIFIERS);
        Booked storage b = _booked[member][nullifier];
        if (!b.booked) return;
        address t = b.terms.asset == 2 ? address(token) : address(0);
        IRestitutionClaims.RoundInfo memory before = claims.roundOf(member, t, b.terms.round);
        uint256 poolBefore = claims.poolHolding(member, t);
        address to = wrongPayout ? address(0xBAD) : payoutOf(nullifier);
        uint256 received = _holding(t, to);
        try claims.payClaim(member, nullifier, b.terms, to, nullifier) {
            uint256 amount = _holding(t, to) - received;
            if (wrongPayout || b.done || b.terms.payoutHash == 0 || amount > b.terms.claim) badPayment = true;
            if (!before.settled && block.timestamp < before.closesAt) badPayment = true;
            b.done = true;
            if (!before.settled) _settled(member, t, b.terms.round, before.booked, poolBefore, amount);
            paidIn[member][t][b.terms.round] += amount;
        } catch {}
    }

    function memberAt(uint256 i) public pure returns (address) {
        return address(uint160(0xA000 + i));
    }

    function payoutOf(uint256 nullifier) public pure returns (address) {
        return address(uint160(0xC000 + nullifier));
    }

    function memberCount() external pure returns (uint256) {
        return MEMBERS;
    }

    function _settled(
        address member,
        address t,
        uint32 round,
        uint256 booked,
        uint256 poolBefore,
        uint256 paidNow
    ) internal {
        uint256 reservedLeft = claims.roundOf(member, t, round).reserved;
        uint256 reserved = reservedLeft + paidNow;
        uint256 share = shareAt[member][t][round];
        (uint256 expected, uint256 insurance) = settlementOf(poolBefore, booked, share);
        if (reserved != expected) badSettlement = true;
        if (reserved + insurance > poolBefore) badSettlement = true;
        if (claims.poolHolding(member, t) != poolBefore - insurance - reserved) badSettlement = true;
        // Insurance is at most s of what the round took, and a round with nothing booked takes nothing.
        if (insurance * 10_000 > (reserved + insurance) * share) badSettlement = true;
        if (booked == 0 && claims.poolHolding(member, t) != poolBefore) badSettlement = true;
        reservedAt[member][t][round] = reserved;
        if (round > settledUpTo[member][t]) settledUpTo[member][t] = round;
    }

    function _openedAt(address member, address t, uint32 round) internal {
        shareAt[member][t][round] = claims.claimParams().insuranceShareBps;
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }

    receive() external payable {}
}

/// @notice Invariants of the claim money: per round, paid <= reserved and paid + left == reserved; a settlement takes
/// exactly reserved = min(booked, pool * (1 - s)) plus insurance = min(reserved * s / (1 - s), pool - reserved) <= pool
/// at the share s the round opened with (nothing when nothing is booked); no share above 50% is ever accepted; the
/// contract holds exactly its books plus the pools.
contract RestitutionClaimsInvariantTest {
    TestRestitutionClaims internal claims;
    TestToken internal token;
    ClaimsHandler internal handler;

    function setUp() public {
        token = new TestToken("Test USD", "TUSD", 6);
        handler = new ClaimsHandler(
            token,
            IRestitutionClaims.ClaimParams({
                claimWindow: 1 days,
                insuranceShareBps: 2_000,
                insuranceFund: address(0xF00D)
            })
        );
        claims = handler.claims();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_roundsPayAtMostWhatTheyReserved() public view {
        require(!handler.doubleBooked(), "a (member, nullifier) was booked twice");
        require(!handler.badSettlement(), "a settlement took other than settlementOf(pool, booked, its share)");
        require(!handler.badParams(), "an insurance share above 50% was accepted (or one within it refused)");
        require(!handler.badPayment(), "a payment exceeded its claim, reached a wrong payout or came early");
        address[2] memory tokens = [address(0), address(token)];
        for (uint256 m = 0; m < handler.memberCount(); ++m) {
            address member = handler.memberAt(m);
            for (uint256 i = 0; i < 2; ++i) {
                uint32 last = handler.settledUpTo(member, tokens[i]);
                for (uint32 r = 1; r <= last; ++r) {
                    uint256 reserved = handler.reservedAt(member, tokens[i], r);
                    uint256 paid = handler.paidIn(member, tokens[i], r);
                    require(paid <= reserved, "paid more than the round reserved");
                    require(paid + claims.roundOf(member, tokens[i], r).reserved == reserved, "round books drifted");
                }
            }
        }
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_holdingsEqualBooks() public view {
        address[2] memory tokens = [address(0), address(token)];
        for (uint256 i = 0; i < 2; ++i) {
            uint256 pools = 0;
            for (uint256 m = 0; m < handler.memberCount(); ++m)
                pools += claims.poolHolding(handler.memberAt(m), tokens[i]);
            IRestitutionClaims.ClaimTotals memory totals = claims.claimTotalsOf(tokens[i]);
            uint256 held = tokens[i] == address(0) ? address(claims).balance : token.balanceOf(address(claims));
            require(held == pools + totals.insurance + totals.reserved, "holdings != pools + insurance + reserved");
        }
    }
}

/// @notice Fuzz tests of one round's pro-rata payment.
contract RestitutionClaimsFuzzTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    TestRestitutionClaims internal claims;

    function setUp() public {
        claims = new TestRestitutionClaims(
            address(new TestToken("Test USD", "TUSD", 6)),
            IRestitutionClaims.ClaimParams({
                claimWindow: 1 days,
                insuranceShareBps: 2_000,
                insuranceFund: address(0xF00D)
            })
        );
    }

    /// @notice Whatever the claims, the pool and the payment order: each claim gets at most its amount and within
    /// 1 wei per claim of its exact share; the round pays exactly what it reserved; nothing beyond the pool; the
    /// settlement takes settlementOf(pool, booked, 20%), insurance at most 20% of it.
    function testFuzz_proRataExact(uint96[4] memory amounts, uint96 pool, uint8 order) public {
        address member = address(0xA1);
        uint256 booked = 0;
        for (uint256 i = 0; i < 4; ++i) {
            uint256 payoutHash = claims.payoutHashOf(address(uint160(0xC000 + i)), i);
            claims.book(member, i + 1, 1, amounts[i], payoutHash);
            booked += amounts[i];
        }
        VM.deal(address(this), pool);
        claims.fundEth{value: pool}(member);
        VM.warp(block.timestamp + claims.UNBONDING_DELAY());
        (uint256 reserved, uint256 insurance) = settlementOf(pool, booked, 2_000);
        uint256 paid = 0;
        for (uint256 k = 0; k < 4; ++k) {
            uint256 i = (k + order) % 4;
            uint256 amount = _pay(member, i, amounts[i]);
            require(amount <= amounts[i], "paid more than the claim");
            if (booked != 0) {
                uint256 share = (uint256(amounts[i]) * reserved) / booked;
                require(amount + 4 >= share && amount <= share + 4, "far from the pro-rata share");
            }
            paid += amount;
        }
        require(paid == reserved, "the round did not pay exactly what it reserved");
        require(paid + insurance <= pool, "paid beyond the pool");
        require(claims.claimTotalsOf(address(0)).insurance == insurance, "insurance other than the rule's");
        require(insurance * 10_000 <= (reserved + insurance) * 2_000, "insurance above 20% of what the round took");
        require(
            claims.poolHolding(member, address(0)) == pool - reserved - insurance,
            "the pool kept other than the rest"
        );
    }

    function _pay(address member, uint256 i, uint96 amount) internal returns (uint256) {
        address to = address(uint160(0xC000 + i));
        uint256 before = to.balance;
        IRestitutionClaims.ClaimTerms memory terms = IRestitutionClaims.ClaimTerms(
            1,
            amount,
            1,
            claims.payoutHashOf(to, i)
        );
        claims.payClaim(member, i + 1, terms, to, i);
        return to.balance - before;
    }
}
