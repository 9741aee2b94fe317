// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {CollateralVault} from "../../contracts/CollateralVault.sol";
import {ConsortiumRegistry} from "../../contracts/ConsortiumRegistry.sol";
import {ICollateralVault} from "../../contracts/interfaces/ICollateralVault.sol";
import {IStakeSource} from "../../contracts/interfaces/IStakeSource.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {TestRejectingReceiver} from "../../contracts/mocks/TestRejectingReceiver.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @dev Deploys registry and vault with the caller as governance; members applied.
abstract contract VaultSetup {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint64 internal constant UNBONDING = 7 days;

    ConsortiumRegistry internal registry;
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
        vault = new CollateralVault(address(this), address(registry), 1e18, 1_000);
        token = new TestToken("Test USD", "TUSD", 6);
        registry.setStakeSource(address(vault));
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

    /// @dev What `account` holds of `t` (ETH for address(0)).
    function _holdingOf(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }

    /// @dev What `member`'s restitution pool of `t` holds.
    function _poolHeld(address member, address t) internal view returns (uint256) {
        return vault.restitutionOf(member, t);
    }

    /// @dev Sums over all members of balances, pending withdrawals and restitution pools of `t` (the vault keeps no
    /// per-token total of balances or pools: the test adds them up).
    function _memberSums(address t) internal view returns (uint256 balances, uint256 pending, uint256 pools) {
        for (uint256 m = 0; m < members.length; ++m) {
            balances += vault.balanceOf(members[m], t);
            pending += vault.pendingOf(members[m], t).amount;
            pools += vault.restitutionOf(members[m], t);
        }
    }
}

/// @notice Drives the vault, as its adjudicator and governance, with random deposits, withdrawals, cancellations,
/// slashes, restitution releases from each member's pool, bounty claims, attempts to replace the adjudicator and
/// calls by strangers, keeping ghost totals (per token and per member) the invariants compare against. Slashed
/// amounts are observed as drops of the member's books, not read from the vault (which no longer derives them).
contract VaultHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);

    CollateralVault public immutable vault;
    TestToken public immutable token;
    TestRejectingReceiver public immutable refuser;
    address public constant PROVER = address(0xB0B);
    address public constant CLAIMANT = address(0xC1A1);
    address[] internal _members;
    address[2] internal _tokens;

    mapping(address token => uint256 amount) public ghostDeposited;
    mapping(address token => uint256 amount) public ghostWithdrawn;
    mapping(address token => uint256 amount) public ghostSlashed;
    mapping(address token => uint256 amount) public ghostToPool;
    mapping(address token => uint256 amount) public ghostReleased;
    mapping(address token => uint256 amount) public ghostBountyPushed;
    mapping(address token => uint256 amount) public ghostBountyClaimed;
    mapping(address member => mapping(address token => uint256 amount)) public ghostToPoolOf;
    mapping(address member => mapping(address token => uint256 amount)) public ghostReleasedOf;
    /// @notice Set when a slash reverted, took more than bps of a holding, or its parts did not add up.
    bool public slashWentWrong;
    /// @notice Set when a slash moved value out of the vault other than the pushed bounty.
    bool public slashLeaked;
    /// @notice Set when a slash of one member changed another member's pool or the released total.
    bool public slashTouchedOtherPool;
    /// @notice Set when a withdrawal paid a different amount than pending.
    bool public withdrawalWentWrong;
    /// @notice Set when a release within the member's pool failed or paid wrongly, or one beyond it did not revert
    /// with CollateralVaultRestitutionShort(member, token, held, amount).
    bool public releaseWentWrong;
    /// @notice Set when a release from one member's pool changed another member's pool.
    bool public releaseTouchedOtherPool;
    /// @notice Set when anyone but the adjudicator slashed, counted a slash or released restitution.
    bool public strangerActed;
    /// @notice Set when governance could set the adjudicator a second time (or to zero).
    bool public adjudicatorReplaced;
    uint256 public slashes;
    uint256 public releases;
    uint256 public refusedReleases;

    constructor(CollateralVault vault_, TestToken token_, address[] memory members_) {
        vault = vault_;
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

    /// @dev What a slash may change for one member and token.
    struct Books {
        uint256 balance;
        uint256 pending;
        uint256 pool;
        uint256 vaultHolding;
        uint256 recipientHolding;
        uint256 credit;
        uint256 released;
        uint256[] pools;
    }

    function slash(uint256 who, uint16 bps, bool toRefuser) external {
        address member = _members[who % _members.length];
        bps = uint16(1 + (bps % 10_000));
        address recipient = toRefuser ? address(refuser) : PROVER;
        Books[2] memory before;
        for (uint256 i = 0; i < 2; ++i) before[i] = _books(member, _tokens[i], recipient);
        try vault.slash(member, bps, recipient) {
            ++slashes;
        } catch {
            slashWentWrong = true;
            return;
        }
        for (uint256 i = 0; i < 2; ++i) _checkSlash(member, _tokens[i], recipient, bps, before[i]);
    }

    function _books(address member, address t, address recipient) internal view returns (Books memory books) {
        books.balance = vault.balanceOf(member, t);
        books.pending = vault.pendingOf(member, t).amount;
        books.pool = vault.restitutionOf(member, t);
        books.vaultHolding = _holding(t, address(vault));
        books.recipientHolding = _holding(t, recipient);
        books.credit = vault.bountyOf(recipient, t);
        books.released = vault.totals(t).released;
        books.pools = _pools(t);
    }

    /// @dev Records what a slash took of `t` (observed as a drop of the member's books) and where it went.
    function _checkSlash(address member, address t, address recipient, uint256 bps, Books memory before) internal {
        Books memory afterwards = _books(member, t, recipient);
        // Never below zero, never added to.
        if (afterwards.balance > before.balance || afterwards.pending > before.pending) {
            slashWentWrong = true;
            return;
        }
        uint256 taken = (before.balance - afterwards.balance) + (before.pending - afterwards.pending);
        if (afterwards.balance != before.balance - (before.balance * bps) / 10_000) slashWentWrong = true;
        if (afterwards.pending != before.pending - (before.pending * bps) / 10_000) slashWentWrong = true;
        ghostSlashed[t] += taken;
        if (afterwards.pool < before.pool) {
            slashWentWrong = true;
            return;
        }
        uint256 toPool = afterwards.pool - before.pool;
        uint256 pushed = afterwards.recipientHolding - before.recipientHolding;
        uint256 credited = afterwards.credit - before.credit;
        ghostToPool[t] += toPool;
        ghostToPoolOf[member][t] += toPool;
        ghostBountyPushed[t] += pushed;
        if (toPool + pushed + credited != taken) slashWentWrong = true;
        // The restitution share stays in the vault: only the pushed bounty leaves it.
        if (before.vaultHolding - afterwards.vaultHolding != pushed) slashLeaked = true;
        // Only the slashed member's own pool grows; nothing is released by a slash.
        if (!_samePoolsBut(before.pools, afterwards.pools, member) || afterwards.released != before.released) {
            slashTouchedOtherPool = true;
        }
    }

    /// @notice Releases from one member's pool: within it (`beyond` false) the claimant is paid exactly and only that
    /// pool falls; beyond it (up to everything all pools hold, plus one) the call reverts with
    /// CollateralVaultRestitutionShort naming that member's pool, however much the other members' pools hold.
    function release(uint256 who, uint256 tok, uint256 amount, bool beyond) external {
        address t = _tokens[tok % 2];
        address member = _members[who % _members.length];
        uint256 held = vault.restitutionOf(member, t);
        // Within a pool: the first member from `who` on whose pool holds something (pools are often empty).
        for (uint256 i = 1; !beyond && held == 0 && i < _members.length; ++i) {
            member = _members[((who % _members.length) + i) % _members.length];
            held = vault.restitutionOf(member, t);
        }
        uint256[] memory poolsBefore = _pools(t);
        uint256 releasedBefore = vault.totals(t).released;
        uint256 before = _holding(t, CLAIMANT);
        if (beyond || held == 0) {
            uint256 all = 0;
            for (uint256 m = 0; m < poolsBefore.length; ++m) all += poolsBefore[m];
            amount = held + 1 + (amount % (all + 1));
            try vault.releaseRestitution(member, t, CLAIMANT, amount) {
                releaseWentWrong = true;
            } catch (bytes memory reason) {
                bytes memory expected = abi.encodeWithSelector(
                    ICollateralVault.CollateralVaultRestitutionShort.selector,
                    member,
                    t,
                    held,
                    amount
                );
                if (keccak256(reason) != keccak256(expected)) releaseWentWrong = true;
                ++refusedReleases;
            }
            return;
        }
        amount = 1 + (amount % held);
        try vault.releaseRestitution(member, t, CLAIMANT, amount) {
            ++releases;
        } catch {
            releaseWentWrong = true;
            return;
        }
        if (vault.restitutionOf(member, t) != held - amount) releaseWentWrong = true;
        if (vault.totals(t).released != releasedBefore + amount) releaseWentWrong = true;
        if (_holding(t, CLAIMANT) - before != amount) releaseWentWrong = true;
        if (!_samePoolsBut(poolsBefore, _pools(t), member)) releaseTouchedOtherPool = true;
        ghostReleased[t] += amount;
        ghostReleasedOf[member][t] += amount;
    }

    /// @notice Someone other than the adjudicator tries to slash, count a slash or release restitution.
    function actAsStranger(address caller, uint256 action, uint256 who) external {
        if (caller == address(this)) return;
        address member = _members[who % _members.length];
        bytes memory call;
        if (action % 3 == 0) call = abi.encodeCall(vault.slash, (member, 10_000, caller));
        else if (action % 3 == 1) call = abi.encodeCall(vault.countSlash, (member));
        else call = abi.encodeCall(vault.releaseRestitution, (member, address(0), caller, 1));
        VM.prank(caller);
        (bool ok, bytes memory reason) = address(vault).call(call);
        bytes memory expected = abi.encodeWithSelector(ICollateralVault.CollateralVaultNotAdjudicator.selector, caller);
        if (ok || keccak256(reason) != keccak256(expected)) strangerActed = true;
    }

    /// @notice Governance (this handler holds the admin role) tries to set another adjudicator: once set, never again.
    function setAdjudicator(address next) external {
        bytes memory expected =
            next == address(0)
                ? abi.encodeWithSelector(ICollateralVault.CollateralVaultZeroAddress.selector)
                : abi.encodeWithSelector(ICollateralVault.CollateralVaultAdjudicatorAlreadySet.selector, address(this));
        try vault.setAdjudicator(next) {
            adjudicatorReplaced = true;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) adjudicatorReplaced = true;
        }
        if (vault.adjudicator() != address(this)) adjudicatorReplaced = true;
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

    /// @dev Every member's pool of `t`, in member order.
    function _pools(address t) internal view returns (uint256[] memory pools) {
        pools = new uint256[](_members.length);
        for (uint256 m = 0; m < _members.length; ++m) pools[m] = vault.restitutionOf(_members[m], t);
    }

    /// @dev Whether every pool but `member`'s is the same in `a` and `b`.
    function _samePoolsBut(uint256[] memory a, uint256[] memory b, address member) internal view returns (bool) {
        for (uint256 m = 0; m < _members.length; ++m) {
            if (_members[m] != member && a[m] != b[m]) return false;
        }
        return true;
    }

    function _holding(address t, address account) internal view returns (uint256) {
        return t == address(0) ? account.balance : token.balanceOf(account);
    }
}

/// @notice Invariants of the collateral vault and its per-member restitution pools under random operation sequences.
contract CollateralVaultInvariantTest is VaultSetup {
    VaultHandler internal handler;

    function setUp() public {
        _deploy(address(this));
        // Two of the three members may co-sign (the registry pushes that to the vault); the third stays Applied.
        registry.approveGenesis(members[0], bytes32(uint256(1)));
        registry.approveGenesis(members[1], bytes32(uint256(2)));
        handler = new VaultHandler(vault, token, members);
        vault.setAdjudicator(address(handler));
        vault.grantRole(vault.DEFAULT_ADMIN_ROLE(), address(handler));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Every deposit is in a member's balance, a pending withdrawal, withdrawn, or slashed (the handler's
    /// observed drops: the vault keeps no slashed total); the pending total is the members' sum.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_conservation() public view {
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            address t = tokens[i];
            ICollateralVault.TokenTotals memory totals = vault.totals(t);
            (uint256 balances, uint256 pending, ) = _memberSums(t);
            require(totals.deposited == handler.ghostDeposited(t), "deposits differ from the ghost");
            require(totals.withdrawn == handler.ghostWithdrawn(t), "withdrawn differs from the ghost");
            require(totals.pending == pending, "pending total != sum of the members' pending withdrawals");
            require(
                totals.deposited == balances + pending + totals.withdrawn + handler.ghostSlashed(t),
                "deposits != member balances + pending + withdrawn + slashed"
            );
        }
    }

    /// @notice The vault holds exactly the members' balances + pending + restitution pools + unclaimed bounty, and
    /// everything slashed is bounty (pushed, credited) + restitution held + released; each member's pool is what its
    /// own slashes put in less what was released from it.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_holdingsMatchBooks() public view {
        address[2] memory tokens = handler.tokens();
        for (uint256 i = 0; i < 2; ++i) {
            address t = tokens[i];
            ICollateralVault.TokenTotals memory totals = vault.totals(t);
            (uint256 balances, uint256 pending, uint256 pools) = _memberSums(t);
            require(
                _holdingOf(t, address(vault)) == balances + pending + pools + totals.unclaimedBounty,
                "vault holdings != member balances+pending+pools + unclaimed bounty"
            );
            require(totals.released == handler.ghostReleased(t), "released differs from what the claimant received");
            require(pools + totals.released == handler.ghostToPool(t), "pools + released != what slashes put in");
            require(
                handler.ghostSlashed(t) ==
                    handler.ghostBountyPushed(t) +
                        totals.unclaimedBounty +
                        handler.ghostBountyClaimed(t) +
                        pools +
                        totals.released,
                "slashed != bounties + restitution held + released"
            );
            for (uint256 m = 0; m < members.length; ++m) {
                require(
                    vault.restitutionOf(members[m], t) + handler.ghostReleasedOf(members[m], t) ==
                        handler.ghostToPoolOf(members[m], t),
                    "a member's pool != its own slashes' restitution - its releases"
                );
            }
        }
    }

    /// @notice Slashes, withdrawals and releases are exact; a slash or release touches one member's pool only; a
    /// release never exceeds the member's pool; only the adjudicator slashes and releases, and it is never replaced.
    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 40
    function invariant_slashesReleasesAndWithdrawalsExact() public view {
        require(!handler.slashWentWrong(), "a slash took the wrong amount or reverted");
        require(!handler.slashLeaked(), "a slash moved more than the bounty out of the vault");
        require(!handler.slashTouchedOtherPool(), "a slash changed another member's pool or the released total");
        require(!handler.withdrawalWentWrong(), "a withdrawal paid the wrong amount");
        require(!handler.releaseWentWrong(), "a release paid wrongly or exceeded the member's pool");
        require(!handler.releaseTouchedOtherPool(), "a release changed another member's pool");
        require(!handler.strangerActed(), "someone but the adjudicator slashed, counted or released");
        require(!handler.adjudicatorReplaced(), "the adjudicator was set a second time");
        require(vault.adjudicator() == address(handler), "adjudicator changed");
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
            IStakeSource.StakeHistory memory h = vault.stakeHistoryOf(members[m]);
            require(!h.current || h.weight == expected, "a current cached weight is stale");
            if (m < 2) cosigned += expected;
        }
        address[] memory pair = new address[](2);
        pair[0] = members[0];
        pair[1] = members[1];
        // A subject created after every stake change counts the current weights.
        (uint256 total, uint256 refused) = vault.quorumWeightOf(pair, uint64(block.timestamp + 1));
        // Bonded weight never exceeds the current weight, whenever the subject was created.
        (uint256 bonded, uint256 refusedBonded) = vault.quorumWeightOf(pair, uint64(block.timestamp));
        require(refusedBonded == refused && bonded <= total, "bonded weight above the current weight");
        if (weights[0] != 0 && weights[1] != 0) {
            require(refused == 0 && total == cosigned, "quorumWeightOf != sum of the co-signers' weights");
        } else {
            require(refused == (weights[0] == 0 ? 1 : 2), "quorumWeightOf did not name the first zero weight");
        }
    }
}
/// @notice Fuzz tests of slashing and releasing.
contract CollateralVaultFuzzTest is VaultSetup {
    address internal constant ADJUDICATOR = address(0xAD);
    address internal constant PROVER = address(0xB0B);

    function setUp() public {
        _deploy(address(this));
        vault.setAdjudicator(ADJUDICATOR);
    }

    /// @notice Anyone but the adjudicator is refused slash, countSlash and releaseRestitution, governance included.
    function testFuzz_onlyAdjudicatorSlashesAndReleases(address caller, uint16 bps, uint256 amount) public {
        VM.assume(caller != ADJUDICATOR);
        bps = uint16(1 + (bps % 10_000));
        vault.deposit{value: 1 ether}(members[0], address(0), 1 ether);
        VM.prank(ADJUDICATOR);
        vault.slash(members[0], 5_000, address(0));
        bytes memory expected = abi.encodeWithSelector(ICollateralVault.CollateralVaultNotAdjudicator.selector, caller);
        VM.prank(caller);
        VM.expectRevert(expected);
        vault.slash(members[0], bps, caller);
        VM.prank(caller);
        VM.expectRevert(expected);
        vault.countSlash(members[0]);
        VM.prank(caller);
        VM.expectRevert(expected);
        vault.releaseRestitution(members[0], address(0), caller, 1 + (amount % 0.5 ether));
        require(vault.balanceOf(members[0], address(0)) == 0.5 ether, "balance changed");
        require(_poolHeld(members[0], address(0)) == 0.5 ether, "pool changed");
        require(vault.stakeHistoryOf(members[0]).slashCount == 1, "slash counted");
    }

    /// @notice Only governance sets the adjudicator, never to zero, and only once: any later call reverts with the
    /// current adjudicator, which keeps its power.
    function testFuzz_setAdjudicatorOnce(address caller, address next) public {
        VM.assume(caller != address(this));
        bytes memory unauthorized = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            caller,
            vault.DEFAULT_ADMIN_ROLE()
        );
        VM.prank(caller);
        VM.expectRevert(unauthorized);
        vault.setAdjudicator(next);
        VM.expectRevert(ICollateralVault.CollateralVaultZeroAddress.selector);
        vault.setAdjudicator(address(0));
        if (next != address(0)) {
            // The same address again included.
            VM.expectRevert(
                abi.encodeWithSelector(ICollateralVault.CollateralVaultAdjudicatorAlreadySet.selector, ADJUDICATOR)
            );
            vault.setAdjudicator(next);
        }
        require(vault.adjudicator() == ADJUDICATOR, "adjudicator changed");
        VM.prank(ADJUDICATOR);
        vault.countSlash(members[0]);
        if (next != ADJUDICATOR) {
            VM.prank(next);
            VM.expectRevert(abi.encodeWithSelector(ICollateralVault.CollateralVaultNotAdjudicator.selector, next));
            vault.countSlash(members[0]);
        }
        require(vault.stakeHistoryOf(members[0]).slashCount == 1, "slash count wrong");
    }

    /// @notice A fresh vault has no adjudicator; zero is refused while unset; the first non-zero address sticks.
    function testFuzz_setAdjudicatorFirstTimeOnly(address first, address second) public {
        VM.assume(first != address(0) && second != address(0));
        CollateralVault fresh = new CollateralVault(address(this), address(registry), 1e18, 1_000);
        require(fresh.adjudicator() == address(0), "adjudicator before set");
        VM.expectRevert(ICollateralVault.CollateralVaultZeroAddress.selector);
        fresh.setAdjudicator(address(0));
        require(fresh.adjudicator() == address(0), "zero set");
        fresh.setAdjudicator(first);
        require(fresh.adjudicator() == first, "adjudicator not set");
        VM.expectRevert(abi.encodeWithSelector(ICollateralVault.CollateralVaultAdjudicatorAlreadySet.selector, first));
        fresh.setAdjudicator(second);
        require(fresh.adjudicator() == first, "adjudicator replaced");
    }

    /// @notice Repeated slashes never take more than is held and never underflow; what they take goes to the
    /// bounty and the member's own pool only (the other members' pools stay empty), and no ETH leaves the vault but
    /// the bounty; a full slash empties the member.
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
            uint256 poolBefore = _poolHeld(members[1], address(0));
            uint256 proverBefore = PROVER.balance;
            uint256 vaultBefore = address(vault).balance;
            VM.prank(ADJUDICATOR);
            vault.slash(members[1], bps, PROVER);
            uint256 left = vault.balanceOf(members[1], address(0)) + vault.pendingOf(members[1], address(0)).amount;
            require(left <= held, "a slash added to the member");
            uint256 taken = held - left;
            uint256 bounty = PROVER.balance - proverBefore;
            require(_poolHeld(members[1], address(0)) - poolBefore + bounty == taken, "taken != pool + bounty");
            require(vaultBefore - address(vault).balance == bounty, "ETH left the vault beyond the bounty");
            held = left;
        }
        require(_poolHeld(members[0], address(0)) == 0, "another member's pool grew");
        require(_poolHeld(members[2], address(0)) == 0, "another member's pool grew");
        VM.prank(ADJUDICATOR);
        vault.slash(members[1], 10_000, PROVER);
        require(vault.balanceOf(members[1], address(0)) == 0, "full slash left a balance");
        require(vault.pendingOf(members[1], address(0)).amount == 0, "full slash left a pending withdrawal");
        require(vault.stakeOf(members[1]) == 0, "stake after full slash");
        require(vault.totals(address(0)).pending == 0, "pending total after full slash");
        // Slashing an empty member takes nothing.
        uint256 pool = _poolHeld(members[1], address(0));
        VM.prank(ADJUDICATOR);
        require(vault.slash(members[1], 10_000, PROVER) == 0, "slashed weight from nothing");
        require(_poolHeld(members[1], address(0)) == pool, "pool grew from nothing");
        require(address(vault).balance == pool, "vault holding != the member's pool");
    }

    /// @notice The bounty / pool split has no rounding loss: bounty + toPool == taken, for any share.
    function testFuzz_splitExact(uint128 amount, uint16 bps, uint16 share) public {
        vault.setBountyShareBps(uint16(share % 10_001));
        uint256 a = 1 + uint256(amount >> 1);
        VM.deal(address(this), a);
        vault.deposit{value: a}(members[2], address(0), a);
        bps = uint16(1 + (bps % 10_000));
        uint256 expectedTaken = (a * bps) / 10_000;
        VM.prank(ADJUDICATOR);
        uint256 weight = vault.slash(members[2], bps, PROVER);
        uint256 toPool = _poolHeld(members[2], address(0));
        uint256 bounty = PROVER.balance;
        require(toPool + bounty == expectedTaken, "split lost or created wei");
        require(bounty == (expectedTaken * vault.bountyShareBps()) / 10_000, "bounty share wrong");
        require(weight == expectedTaken, "weight slashed wrong");
        require(address(vault).balance == a - bounty, "ETH left the vault beyond the bounty");
    }

    /// @notice A release never exceeds what the member's own pool holds, however much another member's pool holds:
    /// beyond it reverts naming the member's pool, within it pays exactly and leaves the other pool alone.
    function testFuzz_releaseNeverExceedsHeld(
        uint96 deposit,
        uint96 otherDeposit,
        uint16 bps,
        uint256 amount,
        bool inToken
    ) public {
        address t = inToken ? address(token) : address(0);
        _fund(members[0], t, 1 + uint256(deposit));
        _fund(members[1], t, 1 + uint256(otherDeposit));
        VM.prank(ADJUDICATOR);
        vault.slash(members[0], uint16(1 + (bps % 10_000)), address(0));
        VM.prank(ADJUDICATOR);
        vault.slash(members[1], 10_000, address(0));
        uint256 held = _poolHeld(members[0], t);
        uint256 otherHeld = _poolHeld(members[1], t);
        require(otherHeld == 1 + uint256(otherDeposit), "the other pool holds the other member's slash");
        // Up to everything both pools hold, plus one.
        amount = amount % (held + otherHeld + 2);
        address to = address(0xC1A1);
        VM.prank(ADJUDICATOR);
        if (amount == 0) {
            VM.expectRevert(ICollateralVault.CollateralVaultZeroAmount.selector);
        } else if (amount > held) {
            VM.expectRevert(
                abi.encodeWithSelector(
                    ICollateralVault.CollateralVaultRestitutionShort.selector,
                    members[0],
                    t,
                    held,
                    amount
                )
            );
        }
        vault.releaseRestitution(members[0], t, to, amount);
        bool paid = amount != 0 && amount <= held;
        uint256 heldAfter = _poolHeld(members[0], t);
        uint256 released = vault.totals(t).released;
        require(heldAfter == (paid ? held - amount : held), "held wrong");
        require(released == (paid ? amount : 0), "released wrong");
        require(_poolHeld(members[1], t) == otherHeld, "the other member's pool moved");
        require(_holdingOf(t, to) == released, "recipient got the wrong amount");
        (uint256 balances, uint256 pending, uint256 pools) = _memberSums(t);
        require(pools == heldAfter + otherHeld, "pool sum wrong");
        require(_holdingOf(t, address(vault)) == balances + pending + pools, "vault books wrong");
    }

    /// @notice Each member's slashes fill its own pool only; emptying one pool leaves the other whole, and that
    /// member's pool then refuses even one wei while the other still holds everything.
    function testFuzz_poolsArePerMember(uint96 a, uint96 b, uint16 bpsA, uint16 bpsB, uint16 share) public {
        vault.setBountyShareBps(uint16(share % 10_001));
        _fund(members[0], address(0), 1 + uint256(a));
        _fund(members[1], address(0), 1 + uint256(b));
        bpsA = uint16(1 + (bpsA % 10_000));
        bpsB = uint16(1 + (bpsB % 10_000));
        uint256 takenA = ((1 + uint256(a)) * bpsA) / 10_000;
        uint256 takenB = ((1 + uint256(b)) * bpsB) / 10_000;
        uint256 poolA = takenA - (takenA * vault.bountyShareBps()) / 10_000;
        uint256 poolB = takenB - (takenB * vault.bountyShareBps()) / 10_000;
        VM.prank(ADJUDICATOR);
        vault.slash(members[0], bpsA, PROVER);
        require(_poolHeld(members[0], address(0)) == poolA, "A's pool != A's slash less bounty");
        require(_poolHeld(members[1], address(0)) == 0, "B's pool filled by A's slash");
        VM.prank(ADJUDICATOR);
        vault.slash(members[1], bpsB, PROVER);
        require(_poolHeld(members[0], address(0)) == poolA, "A's pool moved by B's slash");
        require(_poolHeld(members[1], address(0)) == poolB, "B's pool != B's slash less bounty");
        if (poolA != 0) {
            VM.prank(ADJUDICATOR);
            vault.releaseRestitution(members[0], address(0), address(0xC1A1), poolA);
        }
        VM.prank(ADJUDICATOR);
        VM.expectRevert(
            abi.encodeWithSelector(
                ICollateralVault.CollateralVaultRestitutionShort.selector,
                members[0],
                address(0),
                0,
                1
            )
        );
        vault.releaseRestitution(members[0], address(0), address(0xC1A1), 1);
        require(_poolHeld(members[1], address(0)) == poolB, "B's pool paid for A");
        require(address(0xC1A1).balance == poolA, "claimant got more than A's pool");
        require(vault.totals(address(0)).released == poolA, "released total wrong");
    }

    function _fund(address member, address t, uint256 amount) internal {
        if (t == address(0)) {
            VM.deal(address(this), address(this).balance + amount);
            vault.deposit{value: amount}(member, t, amount);
        } else {
            token.mint(address(this), amount);
            token.approve(address(vault), amount);
            vault.deposit(member, t, amount);
        }
    }

    receive() external payable {}
}
