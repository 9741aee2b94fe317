// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {CollateralVault} from "../../contracts/CollateralVault.sol";
import {ConsortiumRegistry} from "../../contracts/ConsortiumRegistry.sol";
import {RestitutionFund} from "../../contracts/RestitutionFund.sol";
import {ICollateralVault} from "../../contracts/interfaces/ICollateralVault.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {TestRejectingReceiver} from "../../contracts/mocks/TestRejectingReceiver.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @dev Deploys registry, fund and vault with the caller as governance; members on probation.
abstract contract VaultSetup {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint64 internal constant UNBONDING = 7 days;

    ConsortiumRegistry internal registry;
    RestitutionFund internal fund;
    CollateralVault internal vault;
    TestToken internal token;
    address[] internal members;

    function _deploy(address auditor) internal {
        registry = new ConsortiumRegistry(
            address(this),
            IConsortiumRegistry.Sla({snapshotInterval: 1 days, responseWindow: 1 days, minCollateral: 1 ether}),
            UNBONDING,
            14 days
        );
        fund = new RestitutionFund(address(this), address(registry));
        vault = new CollateralVault(address(this), address(registry), address(fund), 1e18, 1_000);
        token = new TestToken("Test USD", "TUSD", 6);
        registry.setCollateralVault(address(vault));
        vault.setTokenWeight(address(token), 3e17);
        registry.grantRole(registry.AUDITOR_ROLE(), auditor);
        members.push(address(0x1001));
        members.push(address(0x1002));
        members.push(address(0x1003));
        for (uint256 i = 0; i < members.length; ++i) {
            VM.prank(members[i]);
            registry.applyForMembership(bytes32(i + 1));
        }
    }
}

/// @notice Drives the vault with random deposits, withdrawals, cancellations, slashes and bounty claims, keeping
/// ghost totals the invariants compare against.
contract VaultHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);

    CollateralVault public immutable vault;
    RestitutionFund public immutable fund;
    TestToken public immutable token;
    TestRejectingReceiver public immutable refuser;
    address public constant PROVER = address(0xB0B);
    address[] internal _members;
    address[2] internal _tokens;

    mapping(address token => uint256 amount) public ghostDeposited;
    mapping(address token => uint256 amount) public ghostWithdrawn;
    mapping(address token => uint256 amount) public ghostSlashed;
    mapping(address token => uint256 amount) public ghostToFund;
    mapping(address token => uint256 amount) public ghostBountyPushed;
    mapping(address token => uint256 amount) public ghostBountyClaimed;
    /// @notice Set when a slash took more than bps of a holding, or left a balance that did not add up.
    bool public slashWentWrong;
    /// @notice Set when a withdrawal paid a different amount than pending.
    bool public withdrawalWentWrong;
    uint256 public slashes;

    constructor(CollateralVault vault_, RestitutionFund fund_, TestToken token_, address[] memory members_) {
        vault = vault_;
        fund = fund_;
        token = token_;
        _members = members_;
        _tokens = [address(0), address(token_)];
        refuser = new TestRejectingReceiver();
        token_.setBlocked(address(refuser), true);
    }

    receive() external payable {}

    function deposit(uint256 who, uint256 tok, uint256 amount) external {
        address member = _members[who % _members.length];
        address t = _tokens[tok % 2];
        amount = 1 + (amount % 1e24);
        if (t == address(0)) {
            VM.deal(address(this), address(this).balance + amount);
            vault.deposit{value: amount}(member, t, amount);
        } else {
            token.mint(address(this), amount);
            token.approve(address(vault), amount);
            vault.deposit(member, t, amount);
        }
        ghostDeposited[t] += amount;
    }

    function requestWithdrawal(uint256 who, uint256 tok, uint256 amount) external {
        address member = _members[who % _members.length];
        address t = _tokens[tok % 2];
        uint256 balance = vault.balanceOf(member, t);
        if (balance == 0) return;
        amount = 1 + (amount % balance);
        VM.prank(member);
        vault.requestWithdrawal(t, amount);
    }

    function cancelWithdrawal(uint256 who, uint256 tok) external {
        address member = _members[who % _members.length];
        address t = _tokens[tok % 2];
        if (vault.pendingOf(member, t).amount == 0) return;
        VM.prank(member);
        vault.cancelWithdrawal(t);
    }

    function withdraw(uint256 who, uint256 tok) external {
        address member = _members[who % _members.length];
        address t = _tokens[tok % 2];
        ICollateralVault.PendingWithdrawal memory pending = vault.pendingOf(member, t);
        if (pending.amount == 0) return;
        if (block.timestamp < pending.executableAt) VM.warp(pending.executableAt);
        uint256 before = _holding(t, member);
        VM.prank(member);
        vault.withdraw(t);
        if (_holding(t, member) - before != pending.amount) withdrawalWentWrong = true;
        ghostWithdrawn[t] += pending.amount;
    }

    function slash(uint256 who, uint16 bps, bool toRefuser) external {
        address member = _members[who % _members.length];
        bps = uint16(1 + (bps % 10_000));
        address recipient = toRefuser ? address(refuser) : PROVER;
        uint256[2] memory balances;
        uint256[2] memory pendings;
        uint256[2] memory fundBefore;
        uint256[2] memory recipientBefore;
        for (uint256 i = 0; i < 2; ++i) {
            balances[i] = vault.balanceOf(member, _tokens[i]);
            pendings[i] = vault.pendingOf(member, _tokens[i]).amount;
            fundBefore[i] = _holding(_tokens[i], address(fund));
            recipientBefore[i] = _holding(_tokens[i], recipient);
        }
        vault.slash(member, bps, recipient);
        ++slashes;
        for (uint256 i = 0; i < 2; ++i) {
            address t = _tokens[i];
            uint256 expectedBalance = balances[i] - (balances[i] * bps) / 10_000;
            uint256 expectedPending = pendings[i] - (pendings[i] * bps) / 10_000;
            if (vault.balanceOf(member, t) != expectedBalance) slashWentWrong = true;
            if (vault.pendingOf(member, t).amount != expectedPending) slashWentWrong = true;
            ghostSlashed[t] += (balances[i] - expectedBalance) + (pendings[i] - expectedPending);
            ghostToFund[t] += _holding(t, address(fund)) - fundBefore[i];
            ghostBountyPushed[t] += _holding(t, recipient) - recipientBefore[i];
        }
    }

    function claimRefusedBounty(uint256 tok) external {
        address t = _tokens[tok % 2];
        uint256 credited = vault.bountyOf(address(refuser), t);
        if (credited == 0) return;
        refuser.setRejecting(false);
        token.setBlocked(address(refuser), false);
        refuser.execute(address(vault), abi.encodeCall(vault.claimBounty, (t)));
        refuser.setRejecting(true);
        token.setBlocked(address(refuser), true);
        ghostBountyClaimed[t] += credited;
    }

    function setBountyShare(uint16 bps) external {
        vault.setBountyShareBps(uint16(bps % 10_001));
    }

    /// @notice Governance reprices the token (never to 0 here, so deposits stay possible): every cached weight goes
    /// stale at once.
    function setTokenWeight(uint64 weight) external {
        vault.setTokenWeight(address(token), 1 + (uint256(weight) % 2e18));
    }

    function refreshStake(uint256 who) external {
        vault.refreshStake(_members[who % _members.length]);
    }

    function warp(uint32 seconds_) external {
        VM.warp(block.timestamp + (seconds_ % 30 days));
    }

    function tokens() external view returns (address[2] memory) {
        return _tokens;
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }
}

/// @notice Invariants of the collateral vault under random operation sequences.
contract CollateralVaultInvariantTest is VaultSetup {
    VaultHandler internal handler;

    function setUp() public {
        _deploy(address(this));
        // Two of the three members may co-sign (the registry pushes that to the vault); the third stays Applied.
        registry.approveGenesis(members[0], bytes32(uint256(1)));
        registry.approveGenesis(members[1], bytes32(uint256(2)));
        handler = new VaultHandler(vault, fund, token, members);
        vault.grantRole(vault.ADJUDICATOR_ROLE(), address(handler));
        vault.grantRole(vault.DEFAULT_ADMIN_ROLE(), address(handler));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_conservation() public view {
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            (uint256 deposited, uint256 balance, uint256 pending, uint256 slashed, uint256 withdrawn, ) = vault.totals(
                tokens[i]
            );
            require(deposited == handler.ghostDeposited(tokens[i]), "deposits differ from the ghost");
            require(deposited == balance + pending + slashed + withdrawn, "deposits != balances+pending+slashed+out");
            require(slashed == handler.ghostSlashed(tokens[i]), "slashed differs from the ghost");
            require(withdrawn == handler.ghostWithdrawn(tokens[i]), "withdrawn differs from the ghost");
        }
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_holdingsMatchBooks() public view {
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            (, uint256 balance, uint256 pending, uint256 slashed, , uint256 unclaimed) = vault.totals(tokens[i]);
            uint256 held = tokens[i] == address(0) ? address(vault).balance : token.balanceOf(address(vault));
            require(held == balance + pending + unclaimed, "vault holdings != balances+pending+unclaimed bounty");
            uint256 sum = 0;
            for (uint256 m = 0; m < members.length; ++m) {
                sum += vault.balanceOf(members[m], tokens[i]) + vault.pendingOf(members[m], tokens[i]).amount;
            }
            require(sum == balance + pending, "member books != totals");
            // Every slashed wei went to the fund, to a bounty recipient, or is credited: none created or lost.
            require(
                slashed ==
                    handler.ghostToFund(tokens[i]) +
                        handler.ghostBountyPushed(tokens[i]) +
                        unclaimed +
                        handler.ghostBountyClaimed(tokens[i]),
                "slashed != fund + bounties"
            );
        }
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_slashesAndWithdrawalsExact() public view {
        require(!handler.slashWentWrong(), "a slash took the wrong amount");
        require(!handler.withdrawalWentWrong(), "a withdrawal paid the wrong amount");
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_stakeIsWeightedBalance() public view {
        uint256 tokenWeight = vault.tokenWeight(address(token));
        uint256[] memory weights = vault.weightsOf(members);
        uint256 cosigned = 0;
        for (uint256 m = 0; m < members.length; ++m) {
            uint256 expected =
                vault.balanceOf(members[m], address(0)) +
                    (vault.balanceOf(members[m], address(token)) * tokenWeight) / 1e18;
            // Whatever the cache holds (also right after a token-weight change), the views answer the true weight.
            require(vault.stakeOf(members[m]) == expected, "stakeOf != weighted balances");
            require(weights[m] == (m < 2 ? expected : 0), "weightsOf != weight of a co-signer, 0 otherwise");
            ICollateralVault.StakeHistory memory h = vault.stakeHistoryOf(members[m]);
            require(!h.current || h.weight == expected, "a current cached weight is stale");
            if (m < 2) cosigned += expected;
        }
        address[] memory pair = new address[](2);
        pair[0] = members[0];
        pair[1] = members[1];
        (uint256 total, uint256 refused) = vault.quorumWeightOf(pair);
        if (weights[0] != 0 && weights[1] != 0) {
            require(refused == 0 && total == cosigned, "quorumWeightOf != sum of the co-signers' weights");
        } else {
            require(refused == (weights[0] == 0 ? 1 : 2), "quorumWeightOf did not name the first zero weight");
        }
    }
}

/// @notice Fuzz tests of slashing rules.
contract CollateralVaultFuzzTest is VaultSetup {
    address internal constant ADJUDICATOR = address(0xAD);

    function setUp() public {
        _deploy(address(this));
        vault.grantRole(vault.ADJUDICATOR_ROLE(), ADJUDICATOR);
    }

    /// @notice Anyone but the adjudicator is refused, governance included.
    function testFuzz_onlyAdjudicatorSlashes(address caller, uint16 bps) public {
        VM.assume(caller != ADJUDICATOR);
        bps = uint16(1 + (bps % 10_000));
        vault.deposit{value: 1 ether}(members[0], address(0), 1 ether);
        bytes memory expected = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            caller,
            vault.ADJUDICATOR_ROLE()
        );
        VM.prank(caller);
        VM.expectRevert(expected);
        vault.slash(members[0], bps, caller);
        require(vault.balanceOf(members[0], address(0)) == 1 ether, "balance changed");
    }

    /// @notice Repeated slashes never take more than is held and never underflow; a full slash empties the member.
    function testFuzz_slashNeverBelowZero(uint96 deposit, uint96 pendingPart, uint16[4] memory bpsList) public {
        uint256 amount = 1 + uint256(deposit);
        VM.deal(address(this), amount);
        vault.deposit{value: amount}(members[1], address(0), amount);
        uint256 pend = uint256(pendingPart) % (amount + 1);
        if (pend > 0) {
            VM.prank(members[1]);
            vault.requestWithdrawal(address(0), pend);
        }
        uint256 held = amount;
        for (uint256 i = 0; i < 4; ++i) {
            uint16 bps = uint16(1 + (bpsList[i] % 10_000));
            uint256 before = address(fund).balance + address(0xB0B).balance;
            VM.prank(ADJUDICATOR);
            vault.slash(members[1], bps, address(0xB0B));
            uint256 taken = address(fund).balance + address(0xB0B).balance - before;
            require(taken <= held, "took more than held");
            held -= taken;
            uint256 left = vault.balanceOf(members[1], address(0)) + vault.pendingOf(members[1], address(0)).amount;
            require(left == held, "books disagree with what was taken");
        }
        VM.prank(ADJUDICATOR);
        vault.slash(members[1], 10_000, address(0xB0B));
        require(vault.balanceOf(members[1], address(0)) == 0, "full slash left a balance");
        require(vault.pendingOf(members[1], address(0)).amount == 0, "full slash left a pending withdrawal");
        require(vault.stakeOf(members[1]) == 0, "stake after full slash");
    }

    /// @notice The bounty / fund split has no rounding loss: bounty + toFund == taken, for any share.
    function testFuzz_splitExact(uint128 amount, uint16 bps, uint16 share) public {
        vault.setBountyShareBps(uint16(share % 10_001));
        uint256 a = 1 + uint256(amount >> 1);
        VM.deal(address(this), a);
        vault.deposit{value: a}(members[2], address(0), a);
        bps = uint16(1 + (bps % 10_000));
        uint256 expectedTaken = (a * bps) / 10_000;
        uint256 fundBefore = address(fund).balance;
        VM.prank(ADJUDICATOR);
        uint256 weight = vault.slash(members[2], bps, address(0xB0B));
        uint256 toFund = address(fund).balance - fundBefore;
        uint256 bounty = address(0xB0B).balance;
        require(toFund + bounty == expectedTaken, "split lost or created wei");
        require(bounty == (expectedTaken * vault.bountyShareBps()) / 10_000, "bounty share wrong");
        require(weight == expectedTaken, "weight slashed wrong");
    }

    receive() external payable {}
}
