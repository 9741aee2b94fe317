// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../../contracts/ConsortiumRegistry.sol";
import {RestitutionFund} from "../../contracts/RestitutionFund.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {IRestitutionFund} from "../../contracts/interfaces/IRestitutionFund.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @notice Books claims under a small nullifier space (so repeats are frequent), funds the pool in bits, pays
/// claims, and moves surplus, recording what every recipient actually received.
contract FundHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant NULLIFIERS = 8;

    RestitutionFund public immutable fund;
    TestToken public immutable token;
    address[2] internal _tokens;

    mapping(uint256 nullifier => uint256 amount) public receivedFor;
    mapping(uint256 nullifier => bool booked) public isBooked;
    mapping(uint256 nullifier => uint256 amount) public bookedAmount;
    mapping(address token => uint256 amount) public ghostIn;
    mapping(address token => uint256 amount) public ghostPaid;
    mapping(address token => uint256 amount) public ghostSurplusOut;
    /// @notice Set when a second booking of a nullifier did not revert with RestitutionFundClaimExists.
    bool public doubleBooked;
    /// @notice Set when a payment to another address than the booked recipient did not revert.
    bool public paidWrongRecipient;

    constructor(RestitutionFund fund_, TestToken token_) {
        fund = fund_;
        token = token_;
        _tokens = [address(0), address(token_)];
    }

    function book(uint256 n, bool inToken, uint96 amount) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        address recipient = _recipient(nullifier);
        uint32 asset = inToken ? 2 : 1;
        if (isBooked[nullifier]) {
            try fund.bookClaim(nullifier, address(0x1001), asset, amount, recipient) {
                doubleBooked = true;
            } catch (bytes memory reason) {
                if (bytes4(reason) != IRestitutionFund.RestitutionFundClaimExists.selector) doubleBooked = true;
            }
            return;
        }
        fund.bookClaim(nullifier, address(0x1001), asset, amount, recipient);
        isBooked[nullifier] = true;
        bookedAmount[nullifier] = amount;
    }

    function fundPool(bool inToken, uint96 amount) external {
        address t = inToken ? address(token) : address(0);
        if (t == address(0)) {
            VM.deal(address(this), amount);
            (bool ok, ) = address(fund).call{value: amount}("");
            require(ok, "fund refused ETH");
        } else {
            token.mint(address(fund), amount);
        }
        ghostIn[t] += amount;
    }

    function pay(uint256 n) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        IRestitutionFund.Claim memory claim = fund.claimOf(nullifier);
        address recipient = _recipient(nullifier);
        uint256 before = _holding(claim.token, recipient);
        fund.payClaim(nullifier, recipient);
        uint256 received = _holding(claim.token, recipient) - before;
        receivedFor[nullifier] += received;
        ghostPaid[claim.token] += received;
    }

    /// @notice Tries to pay a claim to someone else; it must always revert.
    function payOther(uint256 n, address other) external {
        uint256 nullifier = 1 + (n % NULLIFIERS);
        if (other == _recipient(nullifier)) return;
        try fund.payClaim(nullifier, other) {
            paidWrongRecipient = true;
        } catch {}
    }

    function moveSurplus(bool inToken, uint96 amount) external {
        address t = inToken ? address(token) : address(0);
        fund.withdrawSurplus(t, address(0xFEE), amount);
        ghostSurplusOut[t] += amount;
    }

    function tokens() external view returns (address[2] memory) {
        return _tokens;
    }

    function nullifierCount() external pure returns (uint256) {
        return NULLIFIERS;
    }

    function _recipient(uint256 nullifier) internal pure returns (address) {
        return address(uint160(0x5000 + nullifier));
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }
}

/// @notice Invariants of the restitution fund.
contract RestitutionFundInvariantTest {
    Vm internal constant VM = Vm(VM_ADDRESS);

    ConsortiumRegistry internal registry;
    RestitutionFund internal fund;
    TestToken internal token;
    FundHandler internal handler;

    function setUp() public {
        registry = new ConsortiumRegistry(
            address(this),
            IConsortiumRegistry.Sla({snapshotInterval: 1 days, responseWindow: 1 days, minCollateral: 1 ether}),
            7 days,
            14 days
        );
        token = new TestToken("Test USD", "TUSD", 6);
        registry.listAsset(1, address(0), "ETH", 18);
        registry.listAsset(2, address(token), "TUSD", 6);
        fund = new RestitutionFund(address(this), address(registry));
        handler = new FundHandler(fund, token);
        fund.grantRole(fund.ADJUDICATOR_ROLE(), address(handler));
        fund.grantRole(fund.DEFAULT_ADMIN_ROLE(), address(handler));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice A nullifier is booked once and never pays more than its claim, however often payClaim is called.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_nullifierNeverPaysTwice() public view {
        require(!handler.doubleBooked(), "a nullifier was booked twice");
        require(!handler.paidWrongRecipient(), "a claim paid another address than its recipient");
        for (uint256 n = 1; n <= handler.nullifierCount(); ++n) {
            IRestitutionFund.Claim memory claim = fund.claimOf(n);
            uint256 amount = handler.bookedAmount(n);
            require(claim.booked == handler.isBooked(n), "booked flag wrong");
            require(claim.remaining <= amount, "owes more than booked");
            require(handler.receivedFor(n) == amount - claim.remaining, "recipient received != booked - remaining");
        }
    }

    /// @notice The fund never pays out more than came in, and holds exactly what came in minus what went out.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_neverPaysMoreThanHeldOrBooked() public view {
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            address t = tokens[i];
            (uint256 booked, uint256 paid) = fund.totals(t);
            require(paid <= booked, "total paid > total booked");
            require(paid == handler.ghostPaid(t), "paid differs from what recipients received");
            uint256 held = t == address(0) ? address(fund).balance : token.balanceOf(address(fund));
            require(held + paid + handler.ghostSurplusOut(t) == handler.ghostIn(t), "fund created or lost value");
        }
    }
}

/// @notice Fuzz: partial payments add up to exactly the claim, whatever the funding pattern.
contract RestitutionFundFuzzTest {
    ConsortiumRegistry internal registry;
    RestitutionFund internal fund;
    TestToken internal token;

    function setUp() public {
        registry = new ConsortiumRegistry(
            address(this),
            IConsortiumRegistry.Sla({snapshotInterval: 1 days, responseWindow: 1 days, minCollateral: 1 ether}),
            7 days,
            14 days
        );
        token = new TestToken("Test USD", "TUSD", 6);
        registry.listAsset(2, address(token), "TUSD", 6);
        fund = new RestitutionFund(address(this), address(registry));
        fund.grantRole(fund.ADJUDICATOR_ROLE(), address(this));
    }

    function testFuzz_partialPaymentsSumToClaim(uint96 claim, uint64[5] memory tranches) public {
        uint256 amount = claim == 0 ? 1 : uint256(claim);
        fund.bookClaim(7, address(0x1001), 2, amount, address(0xCAFE));
        uint256 funded = 0;
        for (uint256 i = 0; i < tranches.length; ++i) {
            token.mint(address(fund), tranches[i]);
            funded += tranches[i];
            if (fund.claimOf(7).remaining == 0 || token.balanceOf(address(fund)) == 0) continue;
            fund.payClaim(7, address(0xCAFE));
            uint256 expected = funded < amount ? funded : amount;
            require(token.balanceOf(address(0xCAFE)) == expected, "recipient got the wrong amount");
        }
        uint256 remaining = fund.claimOf(7).remaining;
        require(remaining <= amount, "owes more than booked");
        uint256 paid = amount - remaining;
        require(token.balanceOf(address(0xCAFE)) == paid, "paid != received");
        require(token.balanceOf(address(fund)) + paid == funded, "value created or lost");
        (uint256 booked, ) = fund.totals(address(token));
        require(booked == amount, "booked total wrong");
        require(fund.outstanding(address(token)) == amount - paid, "outstanding wrong");
    }
}
