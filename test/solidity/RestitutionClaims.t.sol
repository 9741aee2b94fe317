// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRestitutionClaims} from "../../contracts/interfaces/IRestitutionClaims.sol";
import {TestRestitutionClaims} from "../../contracts/mocks/TestRestitutionClaims.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @notice Books claims against a few members under a small nullifier space (so repeats are frequent), funds each
/// member's pool in bits, pays claims (predicting each outcome) and tries to pay them to others or from another
/// member's pool, recording what every recipient actually received and which pools moved.
contract ClaimsHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant NULLIFIERS = 8;
    uint256 internal constant MEMBERS = 3;

    TestRestitutionClaims public immutable claims;
    TestToken public immutable token;
    address[2] internal _tokens;

    mapping(uint256 nullifier => uint256 amount) public receivedFor;
    mapping(uint256 nullifier => bool booked) public isBooked;
    mapping(uint256 nullifier => uint256 amount) public bookedAmount;
    mapping(uint256 nullifier => address token) public tokenOf;
    mapping(uint256 nullifier => address member) public memberOf;
    mapping(address member => mapping(address token => uint256 amount)) public ghostFunded;
    mapping(address member => mapping(address token => uint256 amount)) public ghostPaid;
    /// @notice Set when a second booking of a nullifier returned true or changed the claim.
    bool public doubleBooked;
    /// @notice Set when a payment naming another member or recipient than the booked ones did not revert as it must
    /// (or moved anything).
    bool public paidWrongClaimant;
    /// @notice Set when a payment exceeded what the member's pool held or what the claim still owed.
    bool public paidBeyondPoolOrClaim;
    /// @notice Set when a payment took anything from a pool other than the accused member's.
    bool public paidFromOtherPool;
    /// @notice Set when payClaim succeeded or failed other than predicted.
    bool public unexpectedOutcome;
    uint256 public payments;

    constructor(TestRestitutionClaims claims_, TestToken token_) {
        claims = claims_;
        token = token_;
        _tokens = [address(0), address(token_)];
    }

    function book(uint256 n, uint256 who, bool inToken, uint96 amount) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        address member = _member(who);
        uint32 asset = inToken ? 2 : 1;
        if (isBooked[nullifier]) {
            IRestitutionClaims.Claim memory before = claims.claimOf(nullifier);
            // Another member, asset, amount and recipient: a second booking must write nothing.
            if (claims.book(nullifier, _member(who + 1), asset, amount, address(0xBAD))) doubleBooked = true;
            IRestitutionClaims.Claim memory afterwards = claims.claimOf(nullifier);
            if (
                afterwards.remaining != before.remaining ||
                afterwards.tag != before.tag ||
                afterwards.asset != before.asset
            ) doubleBooked = true;
            return;
        }
        if (!claims.book(nullifier, member, asset, amount, _recipient(nullifier))) doubleBooked = true;
        isBooked[nullifier] = true;
        bookedAmount[nullifier] = amount;
        tokenOf[nullifier] = inToken ? address(token) : address(0);
        memberOf[nullifier] = member;
    }

    function fund(uint256 who, bool inToken, uint96 amount) external {
        address member = _member(who);
        address t = inToken ? address(token) : address(0);
        if (t == address(0)) {
            VM.deal(address(this), amount);
            claims.fundEth{value: amount}(member);
        } else {
            token.mint(address(this), amount);
            token.approve(address(claims), amount);
            claims.fundToken(member, amount);
        }
        ghostFunded[member][t] += amount;
    }

    function pay(uint256 n) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        IRestitutionClaims.Claim memory claim = claims.claimOf(nullifier);
        address recipient = _recipient(nullifier);
        // An unbooked nullifier has no member: name one anyway (the claim is unknown whoever is named).
        address member = claim.booked ? memberOf[nullifier] : _member(n);
        uint256 pool = claims.poolHolding(member, claim.token);
        bytes memory expected;
        if (!claim.booked) {
            expected = abi.encodeWithSelector(IRestitutionClaims.RestitutionUnknownClaim.selector, nullifier);
        } else if (claim.remaining == 0) {
            expected = abi.encodeWithSelector(IRestitutionClaims.RestitutionClaimSettled.selector, nullifier);
        } else if (pool == 0) {
            expected = abi.encodeWithSelector(IRestitutionClaims.RestitutionPoolEmpty.selector, member, claim.token);
        }
        uint256[MEMBERS] memory poolsBefore = _pools(claim.token);
        uint256 before = _holding(claim.token, recipient);
        try claims.payClaim(nullifier, member, recipient) {
            if (expected.length != 0) unexpectedOutcome = true;
            uint256 received = _holding(claim.token, recipient) - before;
            uint256 due = claim.remaining < pool ? claim.remaining : pool;
            if (received != due) unexpectedOutcome = true;
            if (received > pool || received > claim.remaining) paidBeyondPoolOrClaim = true;
            uint256[MEMBERS] memory poolsAfter = _pools(claim.token);
            for (uint256 m = 0; m < MEMBERS; ++m) {
                uint256 drop = _member(m) == member ? received : 0;
                if (poolsBefore[m] != poolsAfter[m] + drop) paidFromOtherPool = true;
            }
            receivedFor[nullifier] += received;
            ghostPaid[member][claim.token] += received;
            ++payments;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) unexpectedOutcome = true;
        }
    }

    /// @notice Tries to pay a claim naming another member (with the right recipient) or another recipient (with the
    /// right member), or both: it must always revert RestitutionWrongClaimant, however full the named member's pool.
    function payOther(uint256 n, uint256 who, address other, uint8 mode) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        address member = isBooked[nullifier] ? memberOf[nullifier] : _member(who);
        address recipient = _recipient(nullifier);
        if (mode % 3 != 1) member = _member(who);
        if (mode % 3 != 0) recipient = other;
        if (isBooked[nullifier] && member == memberOf[nullifier] && recipient == _recipient(nullifier)) return;
        bytes memory expected =
            isBooked[nullifier]
                ? abi.encodeWithSelector(
                    IRestitutionClaims.RestitutionWrongClaimant.selector,
                    nullifier,
                    member,
                    recipient
                )
                : abi.encodeWithSelector(IRestitutionClaims.RestitutionUnknownClaim.selector, nullifier);
        uint256[MEMBERS] memory ethBefore = _pools(address(0));
        uint256[MEMBERS] memory tokenBefore = _pools(address(token));
        try claims.payClaim(nullifier, member, recipient) {
            paidWrongClaimant = true;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) paidWrongClaimant = true;
        }
        uint256[MEMBERS] memory ethAfter = _pools(address(0));
        uint256[MEMBERS] memory tokenAfter = _pools(address(token));
        for (uint256 m = 0; m < MEMBERS; ++m) {
            if (ethBefore[m] != ethAfter[m] || tokenBefore[m] != tokenAfter[m]) paidWrongClaimant = true;
        }
    }

    function tokens() external view returns (address[2] memory) {
        return _tokens;
    }

    function nullifierCount() external pure returns (uint256) {
        return NULLIFIERS;
    }

    function memberCount() external pure returns (uint256) {
        return MEMBERS;
    }

    function memberAt(uint256 i) external pure returns (address) {
        return _member(i);
    }

    function recipientOf(uint256 nullifier) external pure returns (address) {
        return _recipient(nullifier);
    }

    function _pools(address t) internal view returns (uint256[MEMBERS] memory pools) {
        for (uint256 m = 0; m < MEMBERS; ++m) pools[m] = claims.poolHolding(_member(m), t);
    }

    function _member(uint256 who) internal pure returns (address) {
        return address(uint160(0x1000 + (who % MEMBERS)));
    }

    function _recipient(uint256 nullifier) internal pure returns (address) {
        return address(uint160(0x5000 + nullifier));
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }
}

/// @notice Invariants of the claim book with per-member pools of its own (TestRestitutionClaims).
contract RestitutionClaimsInvariantTest {
    TestRestitutionClaims internal claims;
    TestToken internal token;
    ClaimsHandler internal handler;

    function setUp() public {
        token = new TestToken("Test USD", "TUSD", 6);
        claims = new TestRestitutionClaims(address(token));
        handler = new ClaimsHandler(claims, token);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice A nullifier is booked once; no claim is ever paid more than booked, however often payClaim is called.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_nullifierBooksOnceAndNeverPaysTwice() public view {
        require(!handler.doubleBooked(), "a nullifier was booked twice");
        require(!handler.unexpectedOutcome(), "payClaim paid or failed other than predicted");
        for (uint256 n = 1; n <= handler.nullifierCount(); ++n) {
            IRestitutionClaims.Claim memory claim = claims.claimOf(n);
            uint256 amount = handler.bookedAmount(n);
            require(claim.booked == handler.isBooked(n), "booked flag wrong");
            require(claims.isNullifierSpent(n) == handler.isBooked(n), "spent flag wrong");
            require(claim.remaining <= amount, "owes more than booked");
            require(handler.receivedFor(n) == amount - claim.remaining, "recipient received != booked - remaining");
            if (claim.booked) {
                require(claim.token == handler.tokenOf(n), "claim token wrong");
                require(claim.tag == claims.claimTagOf(handler.memberOf(n), handler.recipientOf(n)), "claim tag wrong");
            }
        }
    }

    /// @notice Nothing is paid beyond the member's pool, only to booked recipients, only from the accused member's
    /// pool: per member and token, funded == paid + held, and what a member's pool paid is exactly what the claims
    /// against that member received; the harness holds exactly the sum of the pools.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_poolsConservedPerMember() public view {
        require(!handler.paidBeyondPoolOrClaim(), "a payment exceeded the pool or the claim");
        require(!handler.paidWrongClaimant(), "a claim paid another address or from another member's pool");
        require(!handler.paidFromOtherPool(), "a member's pool paid a claim against another member");
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            address t = tokens[i];
            uint256 pools = 0;
            for (uint256 m = 0; m < handler.memberCount(); ++m) {
                address member = handler.memberAt(m);
                uint256 held = claims.poolHolding(member, t);
                pools += held;
                require(handler.ghostPaid(member, t) + held == handler.ghostFunded(member, t), "pool created value");
                uint256 receivedAgainst = 0;
                for (uint256 n = 1; n <= handler.nullifierCount(); ++n) {
                    if (handler.memberOf(n) == member && handler.tokenOf(n) == t) {
                        receivedAgainst += handler.receivedFor(n);
                    }
                }
                require(receivedAgainst == handler.ghostPaid(member, t), "a pool paid claims against another");
            }
            uint256 holding = t == address(0) ? address(claims).balance : token.balanceOf(address(claims));
            require(holding == pools, "harness holding != sum of the pools");
        }
    }
}

/// @notice Fuzz tests of the claim book alone.
contract RestitutionClaimsFuzzTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    address internal constant RECIPIENT = address(0xCAFE);
    address internal constant MEMBER = address(0x1001);
    address internal constant OTHER_MEMBER = address(0x1002);

    TestRestitutionClaims internal claims;
    TestToken internal token;

    function setUp() public {
        token = new TestToken("Test USD", "TUSD", 6);
        claims = new TestRestitutionClaims(address(token));
    }

    /// @notice Partial payments add up to exactly the claim, whatever the funding pattern.
    function testFuzz_partialPaymentsSumToClaim(uint96 claim, uint64[5] memory tranches) public {
        uint96 amount = claim == 0 ? 1 : claim;
        require(claims.book(7, MEMBER, 2, amount, RECIPIENT), "booking refused");
        uint256 funded = 0;
        for (uint256 i = 0; i < tranches.length; ++i) {
            _fundToken(MEMBER, tranches[i]);
            funded += tranches[i];
            if (claims.claimOf(7).remaining == 0 || claims.poolHolding(MEMBER, address(token)) == 0) continue;
            claims.payClaim(7, MEMBER, RECIPIENT);
            uint256 expected = funded < amount ? funded : amount;
            require(token.balanceOf(RECIPIENT) == expected, "recipient got the wrong amount");
        }
        uint256 remaining = claims.claimOf(7).remaining;
        require(remaining <= amount, "owes more than booked");
        uint256 paid = amount - remaining;
        require(token.balanceOf(RECIPIENT) == paid, "paid != received");
        require(claims.poolHolding(MEMBER, address(token)) + paid == funded, "value created or lost");
        require(token.balanceOf(address(claims)) + paid == funded, "holding created or lost");
    }

    /// @notice A claim is paid from its member's pool only: while that pool is empty it reverts
    /// RestitutionPoolEmpty(member, token) however full another member's pool is; once funded, it is paid at most
    /// that pool, and the other pool never moves.
    function testFuzz_paidFromOwnPoolOnly(uint96 amount, uint96 own, uint96 others, bool inToken) public {
        amount = amount == 0 ? 1 : amount;
        others = others == 0 ? 1 : others;
        uint32 asset = inToken ? 2 : 1;
        address t = inToken ? address(token) : address(0);
        require(claims.book(3, MEMBER, asset, amount, RECIPIENT), "booking refused");
        _fund(OTHER_MEMBER, t, others);
        VM.expectRevert(abi.encodeWithSelector(IRestitutionClaims.RestitutionPoolEmpty.selector, MEMBER, t));
        claims.payClaim(3, MEMBER, RECIPIENT);
        if (own != 0) {
            _fund(MEMBER, t, own);
            claims.payClaim(3, MEMBER, RECIPIENT);
        }
        uint256 due = own < amount ? own : amount;
        require(_holding(t, RECIPIENT) == due, "paid != min(claim, own pool)");
        require(claims.poolHolding(MEMBER, t) == own - due, "own pool wrong");
        require(claims.poolHolding(OTHER_MEMBER, t) == others, "the other member's pool paid");
        require(claims.claimOf(3).remaining == amount - due, "remaining wrong");
    }

    /// @notice A second booking of a nullifier returns false and writes nothing, whatever it asks for.
    function testFuzz_secondBookingRefused(
        uint256 nullifier,
        uint96 first,
        uint96 second,
        address otherMember,
        address other
    ) public {
        VM.assume(other != address(0));
        require(claims.book(nullifier, MEMBER, 1, first, RECIPIENT), "first booking refused");
        require(!claims.book(nullifier, otherMember, 2, second, other), "second booking accepted");
        IRestitutionClaims.Claim memory claim = claims.claimOf(nullifier);
        require(claim.booked && claim.asset == 1 && claim.token == address(0), "claim changed");
        require(claim.remaining == first, "amount changed");
        require(claim.tag == claims.claimTagOf(MEMBER, RECIPIENT), "member or recipient changed");
    }

    /// @notice Only the booked member's pool pays, only to the booked recipient: naming any other member or
    /// recipient reverts RestitutionWrongClaimant, and nothing moves, though both pools are funded.
    function testFuzz_wrongClaimantReverts(address member, address recipient, uint96 amount, uint96 funding) public {
        VM.assume(member != MEMBER || recipient != RECIPIENT);
        require(claims.book(9, MEMBER, 1, amount, RECIPIENT), "booking refused");
        _fund(MEMBER, address(0), funding);
        _fund(member, address(0), funding);
        uint256 memberPool = claims.poolHolding(member, address(0));
        VM.expectRevert(
            abi.encodeWithSelector(IRestitutionClaims.RestitutionWrongClaimant.selector, 9, member, recipient)
        );
        claims.payClaim(9, member, recipient);
        require(claims.poolHolding(member, address(0)) == memberPool, "named member's pool moved");
        require(address(claims).balance == 2 * uint256(funding), "harness holding moved");
        require(claims.claimOf(9).remaining == amount, "claim changed");
    }

    /// @notice The claim tag binds member and recipient and is never zero (a stored tag marks a booked claim).
    function testFuzz_tagNeverZero(address member, address recipient) public view {
        bytes16 tag = claims.claimTagOf(member, recipient);
        require(tag != bytes16(0), "zero tag");
        require(tag == bytes16(keccak256(abi.encode(member, recipient))) | bytes16(uint128(1)), "tag formula");
        // Swapping the two names gives another tag (unless they are the same address).
        if (member != recipient) require(tag != claims.claimTagOf(recipient, member), "tag ignores the order");
    }

    /// @notice An unbooked nullifier has no claim and cannot be paid.
    function testFuzz_unknownClaimReverts(uint256 nullifier, address member, address anyone) public {
        _fund(member, address(0), 1 ether);
        VM.expectRevert(abi.encodeWithSelector(IRestitutionClaims.RestitutionUnknownClaim.selector, nullifier));
        claims.payClaim(nullifier, member, anyone);
        require(!claims.isNullifierSpent(nullifier), "spent without booking");
        require(claims.poolHolding(member, address(0)) == 1 ether, "pool moved");
    }

    function _fund(address member, address t, uint256 amount) internal {
        if (t == address(0)) {
            VM.deal(address(this), amount);
            claims.fundEth{value: amount}(member);
        } else {
            _fundToken(member, amount);
        }
    }

    function _fundToken(address member, uint256 amount) internal {
        token.mint(address(this), amount);
        token.approve(address(claims), amount);
        claims.fundToken(member, amount);
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }
}
