// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRestitutionClaims} from "../../contracts/interfaces/IRestitutionClaims.sol";
import {TestRestitutionClaims} from "../../contracts/mocks/TestRestitutionClaims.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @notice Books claims under a small nullifier space (so repeats are frequent), funds the pool in bits, pays claims
/// (predicting each outcome) and tries to pay them to others, recording what every recipient actually received.
contract ClaimsHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant NULLIFIERS = 8;

    TestRestitutionClaims public immutable claims;
    TestToken public immutable token;
    address[2] internal _tokens;

    mapping(uint256 nullifier => uint256 amount) public receivedFor;
    mapping(uint256 nullifier => bool booked) public isBooked;
    mapping(uint256 nullifier => uint256 amount) public bookedAmount;
    mapping(uint256 nullifier => address token) public tokenOf;
    mapping(address token => uint256 amount) public ghostFunded;
    mapping(address token => uint256 amount) public ghostPaid;
    /// @notice Set when a second booking of a nullifier returned true or changed the claim.
    bool public doubleBooked;
    /// @notice Set when a payment to another address than the booked recipient did not revert as it must.
    bool public paidWrongRecipient;
    /// @notice Set when a payment exceeded what the pool held or what the claim still owed.
    bool public paidBeyondPoolOrClaim;
    /// @notice Set when payClaim succeeded or failed other than predicted.
    bool public unexpectedOutcome;
    uint256 public payments;

    constructor(TestRestitutionClaims claims_, TestToken token_) {
        claims = claims_;
        token = token_;
        _tokens = [address(0), address(token_)];
    }

    function book(uint256 n, bool inToken, uint96 amount) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        uint32 asset = inToken ? 2 : 1;
        if (isBooked[nullifier]) {
            IRestitutionClaims.Claim memory before = claims.claimOf(nullifier);
            // Another asset, amount and recipient: a second booking must write nothing.
            if (claims.book(nullifier, asset, amount, address(0xBAD))) doubleBooked = true;
            IRestitutionClaims.Claim memory afterwards = claims.claimOf(nullifier);
            if (
                afterwards.remaining != before.remaining ||
                afterwards.recipientTag != before.recipientTag ||
                afterwards.asset != before.asset
            ) doubleBooked = true;
            return;
        }
        if (!claims.book(nullifier, asset, amount, _recipient(nullifier))) doubleBooked = true;
        isBooked[nullifier] = true;
        bookedAmount[nullifier] = amount;
        tokenOf[nullifier] = inToken ? address(token) : address(0);
    }

    function fund(bool inToken, uint96 amount) external {
        address t = inToken ? address(token) : address(0);
        if (t == address(0)) {
            VM.deal(address(this), amount);
            (bool ok, ) = address(claims).call{value: amount}("");
            require(ok, "pool refused ETH");
        } else {
            token.mint(address(claims), amount);
        }
        ghostFunded[t] += amount;
    }

    function pay(uint256 n) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        IRestitutionClaims.Claim memory claim = claims.claimOf(nullifier);
        address recipient = _recipient(nullifier);
        uint256 pool = claim.booked ? _holding(claim.token, address(claims)) : 0;
        bytes memory expected;
        if (!claim.booked) {
            expected = abi.encodeWithSelector(IRestitutionClaims.RestitutionUnknownClaim.selector, nullifier);
        } else if (claim.remaining == 0) {
            expected = abi.encodeWithSelector(IRestitutionClaims.RestitutionClaimSettled.selector, nullifier);
        } else if (pool == 0) {
            expected = abi.encodeWithSelector(IRestitutionClaims.RestitutionPoolEmpty.selector, claim.token);
        }
        uint256 before = _holding(claim.token, recipient);
        try claims.payClaim(nullifier, recipient) {
            if (expected.length != 0) unexpectedOutcome = true;
            uint256 received = _holding(claim.token, recipient) - before;
            uint256 due = claim.remaining < pool ? claim.remaining : pool;
            if (received != due) unexpectedOutcome = true;
            if (received > pool || received > claim.remaining) paidBeyondPoolOrClaim = true;
            receivedFor[nullifier] += received;
            ghostPaid[claim.token] += received;
            ++payments;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) unexpectedOutcome = true;
        }
    }

    /// @notice Tries to pay a claim to someone else (the caller names the address): it must always revert.
    function payOther(uint256 n, address other) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        if (other == _recipient(nullifier)) return;
        bytes memory expected =
            isBooked[nullifier]
                ? abi.encodeWithSelector(IRestitutionClaims.RestitutionWrongRecipient.selector, nullifier, other)
                : abi.encodeWithSelector(IRestitutionClaims.RestitutionUnknownClaim.selector, nullifier);
        try claims.payClaim(nullifier, other) {
            paidWrongRecipient = true;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) paidWrongRecipient = true;
        }
    }

    function tokens() external view returns (address[2] memory) {
        return _tokens;
    }

    function nullifierCount() external pure returns (uint256) {
        return NULLIFIERS;
    }

    function recipientOf(uint256 nullifier) external pure returns (address) {
        return _recipient(nullifier);
    }

    function _recipient(uint256 nullifier) internal pure returns (address) {
        return address(uint160(0x5000 + nullifier));
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }
}

/// @notice Invariants of the claim book with a pool of its own (TestRestitutionClaims).
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
                require(claim.recipientTag == claims.recipientTagOf(handler.recipientOf(n)), "recipient tag wrong");
            }
        }
    }

    /// @notice Nothing is paid beyond the pool, only to booked recipients, and paid + held == funded per token.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_poolConserved() public view {
        require(!handler.paidBeyondPoolOrClaim(), "a payment exceeded the pool or the claim");
        require(!handler.paidWrongRecipient(), "a claim paid another address than its recipient");
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            address t = tokens[i];
            uint256 held = t == address(0) ? address(claims).balance : token.balanceOf(address(claims));
            require(held == claims.poolHolding(t), "poolHolding != balance");
            require(handler.ghostPaid(t) + held == handler.ghostFunded(t), "pool created or lost value");
        }
    }
}

/// @notice Fuzz tests of the claim book alone.
contract RestitutionClaimsFuzzTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    address internal constant RECIPIENT = address(0xCAFE);

    TestRestitutionClaims internal claims;
    TestToken internal token;

    function setUp() public {
        token = new TestToken("Test USD", "TUSD", 6);
        claims = new TestRestitutionClaims(address(token));
    }

    /// @notice Partial payments add up to exactly the claim, whatever the funding pattern.
    function testFuzz_partialPaymentsSumToClaim(uint96 claim, uint64[5] memory tranches) public {
        uint96 amount = claim == 0 ? 1 : claim;
        require(claims.book(7, 2, amount, RECIPIENT), "booking refused");
        uint256 funded = 0;
        for (uint256 i = 0; i < tranches.length; ++i) {
            token.mint(address(claims), tranches[i]);
            funded += tranches[i];
            if (claims.claimOf(7).remaining == 0 || token.balanceOf(address(claims)) == 0) continue;
            claims.payClaim(7, RECIPIENT);
            uint256 expected = funded < amount ? funded : amount;
            require(token.balanceOf(RECIPIENT) == expected, "recipient got the wrong amount");
        }
        uint256 remaining = claims.claimOf(7).remaining;
        require(remaining <= amount, "owes more than booked");
        uint256 paid = amount - remaining;
        require(token.balanceOf(RECIPIENT) == paid, "paid != received");
        require(token.balanceOf(address(claims)) + paid == funded, "value created or lost");
    }

    /// @notice A second booking of a nullifier returns false and writes nothing, whatever it asks for.
    function testFuzz_secondBookingRefused(uint256 nullifier, uint96 first, uint96 second, address other) public {
        VM.assume(other != address(0));
        require(claims.book(nullifier, 1, first, RECIPIENT), "first booking refused");
        require(!claims.book(nullifier, 2, second, other), "second booking accepted");
        IRestitutionClaims.Claim memory claim = claims.claimOf(nullifier);
        require(claim.booked && claim.asset == 1 && claim.token == address(0), "claim changed");
        require(claim.remaining == first, "amount changed");
        require(claim.recipientTag == claims.recipientTagOf(RECIPIENT), "recipient changed");
    }

    /// @notice Only the booked recipient is ever paid: any other named address reverts, and nothing moves.
    function testFuzz_wrongRecipientReverts(address other, uint96 amount, uint96 funding) public {
        VM.assume(other != RECIPIENT);
        require(claims.book(9, 1, amount, RECIPIENT), "booking refused");
        VM.deal(address(claims), funding);
        VM.expectRevert(abi.encodeWithSelector(IRestitutionClaims.RestitutionWrongRecipient.selector, 9, other));
        claims.payClaim(9, other);
        require(address(claims).balance == funding, "pool moved");
        require(claims.claimOf(9).remaining == amount, "claim changed");
    }

    /// @notice The recipient tag is never zero (a stored tag marks a booked claim).
    function testFuzz_tagNeverZero(address recipient) public view {
        bytes16 tag = claims.recipientTagOf(recipient);
        require(tag != bytes16(0), "zero tag");
        require(tag == bytes16(keccak256(abi.encode(recipient))) | bytes16(uint128(1)), "tag formula");
    }

    /// @notice An unbooked nullifier has no claim and cannot be paid.
    function testFuzz_unknownClaimReverts(uint256 nullifier, address anyone) public {
        VM.deal(address(claims), 1 ether);
        VM.expectRevert(abi.encodeWithSelector(IRestitutionClaims.RestitutionUnknownClaim.selector, nullifier));
        claims.payClaim(nullifier, anyone);
        require(!claims.isNullifierSpent(nullifier), "spent without booking");
    }
}
