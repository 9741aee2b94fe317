// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Adjudicator} from "../../contracts/Adjudicator.sol";
import {CollateralVault} from "../../contracts/CollateralVault.sol";
import {CommitmentLedger} from "../../contracts/CommitmentLedger.sol";
import {ConsortiumRegistry} from "../../contracts/ConsortiumRegistry.sol";
import {Reputation} from "../../contracts/Reputation.sol";
import {Transfers} from "../../contracts/Transfers.sol";
import {IAdjudicator} from "../../contracts/interfaces/IAdjudicator.sol";
import {ICommitmentLedger} from "../../contracts/interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {ILeafMismatchVerifier} from "../../contracts/interfaces/ILeafMismatchVerifier.sol";
import {IRestitutionClaims} from "../../contracts/interfaces/IRestitutionClaims.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";
import {IRootSumMismatchVerifier} from "../../contracts/interfaces/IRootSumMismatchVerifier.sol";
import {IStakeSource} from "../../contracts/interfaces/IStakeSource.sol";
import {ITransfers} from "../../contracts/interfaces/ITransfers.sol";
import {MockLeafMismatchVerifier} from "../../contracts/mocks/MockLeafMismatchVerifier.sol";
import {MockRootSumMismatchVerifier} from "../../contracts/mocks/MockRootSumMismatchVerifier.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @notice Drives Transfers with random notices (signed by the sender's key, within its credit), ETH settlements,
/// defaults (slashed into the sender's pool) and their payouts (the unbonding delay after posting), and keeps the
/// ghost totals the invariants compare with the vault and the recipient's balance.
contract TransfersHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);

    Transfers internal immutable _TRANSFERS;
    CollateralVault internal immutable _VAULT;
    uint256 internal immutable _SENDER_KEY;
    address internal immutable _RECIPIENT;
    address internal immutable _DEPOSIT;

    ITransfers.NoticeRecord[] internal _open;
    ITransfers.NoticeRecord[] internal _defaulted;
    uint64 internal _nonce;
    /// @notice Ghosts: ETH slashed into the sender's pool, paid from it to the recipient, ETH settled to the deposit
    /// address, owed weight of the open notices, defaults whose slash took less than owed (stake ran out).
    uint256 public slashedToPool;
    uint256 public paidToRecipient;
    uint256 public payouts;
    uint256 public settledToDeposit;
    uint256 public openOwed;
    uint256 public shortDefaults;
    uint256 public defaults;
    uint256 public settlements;

    constructor(Transfers transfers, CollateralVault vault, uint256 senderKey, address recipient, address deposit) {
        _TRANSFERS = transfers;
        _VAULT = vault;
        _SENDER_KEY = senderKey;
        _RECIPIENT = recipient;
        _DEPOSIT = deposit;
    }

    function post(uint96 amountSeed, uint32 window) external {
        (uint256 available, ) = _TRANSFERS.creditOf(VM.addr(_SENDER_KEY), _RECIPIENT, 1);
        if (available == 0) return;
        uint128 amount = uint128((uint256(amountSeed) % available) + 1);
        ITransfers.Notice memory n = ITransfers.Notice({
            sender: VM.addr(_SENDER_KEY),
            recipient: _RECIPIENT,
            asset: 1,
            amount: amount,
            depositAddress: _DEPOSIT,
            settleBy: uint64(block.timestamp) + 600 + (window % 1 days),
            nonce: ++_nonce,
            payloadDigest: keccak256(abi.encode(_nonce))
        });
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(_SENDER_KEY, _TRANSFERS.noticeDigest(n));
        _TRANSFERS.postNotice(n, abi.encodePacked(r, s, v));
        uint256 owed = _TRANSFERS.owedWeightOf(1, amount);
        _open.push(ITransfers.NoticeRecord({notice: n, postedAt: uint64(block.timestamp), owedWeight: owed}));
        openOwed += owed;
    }

    function settle(uint256 pick) external {
        if (_open.length == 0) return;
        ITransfers.NoticeRecord memory record = _take(pick);
        VM.deal(address(this), record.notice.amount);
        _TRANSFERS.settle{value: record.notice.amount}(record);
        settledToDeposit += record.notice.amount;
        settlements += 1;
    }

    function reportDefault(uint256 pick) external {
        if (_open.length == 0) return;
        ITransfers.NoticeRecord memory record = _take(pick);
        if (block.timestamp <= record.notice.settleBy) VM.warp(record.notice.settleBy + 1);
        uint256 before = _RECIPIENT.balance;
        uint256 poolBefore = _VAULT.restitutionOf(VM.addr(_SENDER_KEY), address(0));
        uint256 slashed = _TRANSFERS.reportDefault(record);
        require(_RECIPIENT.balance == before, "nothing is paid at the default");
        require(
            _VAULT.restitutionOf(VM.addr(_SENDER_KEY), address(0)) == poolBefore + slashed,
            "the slash waits in the sender's pool"
        );
        if (slashed < record.owedWeight) shortDefaults += 1;
        slashedToPool += slashed;
        defaults += 1;
        _defaulted.push(record);
    }

    function payDefault(uint256 pick) external {
        if (_defaulted.length == 0) return;
        uint256 i = pick % _defaulted.length;
        ITransfers.NoticeRecord memory record = _defaulted[i];
        _defaulted[i] = _defaulted[_defaulted.length - 1];
        _defaulted.pop();
        if (block.timestamp < record.postedAt + 7 days) VM.warp(record.postedAt + 7 days);
        uint256 before = _RECIPIENT.balance;
        uint256 weightPaid = _TRANSFERS.payDefault(record, _RECIPIENT);
        uint256 paid = _RECIPIENT.balance - before;
        require(paid == weightPaid && paid <= record.owedWeight, "a payout pays at most what the notice owed");
        paidToRecipient += paid;
        payouts += 1;
    }

    function wait(uint32 seconds_) external {
        VM.warp(block.timestamp + (seconds_ % 2 days));
    }

    function openCount() external view returns (uint256) {
        return _open.length;
    }

    function _take(uint256 pick) private returns (ITransfers.NoticeRecord memory record) {
        uint256 i = pick % _open.length;
        record = _open[i];
        _open[i] = _open[_open.length - 1];
        _open.pop();
        openOwed -= _TRANSFERS.owedWeightOf(1, record.notice.amount);
    }
}

/// @notice Value conservation with transfers: collateral in = collateral still in the vault + the sender's pool +
/// paid to the recipient (value plus penalty, no bounty, nothing back to the sender); the sender's owed weight is its
/// open notices'; every default took at least what was owed while the stake lasted, every payout at most that.
contract TransfersInvariantTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant SENDER_KEY = 0x5E4D;
    uint256 internal constant DEPOSIT_KEY = 0xDE9;
    address internal constant RECIPIENT = address(0x2002);
    uint256 internal constant COLLATERAL = 20 ether;

    Transfers internal transfers;
    CollateralVault internal vault;
    Reputation internal reputation;
    TransfersHandler internal handler;
    address internal sender;

    receive() external payable {}

    function setUp() public {
        sender = VM.addr(SENDER_KEY);
        ConsortiumRegistry registry = new ConsortiumRegistry(
            address(this),
            IConsortiumRegistry.Sla({snapshotInterval: 1 days, responseWindow: 1 days, minCollateral: 1 ether}),
            7 days,
            0
        );
        vault = new CollateralVault(address(this), address(registry), 1e18, 1_000);
        registry.setStakeSource(address(vault));
        CommitmentLedger ledger = new CommitmentLedger(
            address(this),
            registry,
            IStakeSource(address(vault)),
            ICommitmentLedger.QuorumParams({quorumWeight: 1 ether, minSigners: 1, requestFee: 0, maxOpenRequests: 4})
        );
        reputation = new Reputation(address(this), IStakeSource(address(vault)), ledger, 5_000);
        Adjudicator adjudicator = new Adjudicator(
            address(this),
            Adjudicator.Wiring({
                ledger: ledger,
                registry: registry,
                stakeSource: IStakeSource(address(vault)),
                reputation: IReputation(address(reputation)),
                verifier: ILeafMismatchVerifier(address(new MockLeafMismatchVerifier())),
                rootSumVerifier: IRootSumMismatchVerifier(address(new MockRootSumMismatchVerifier()))
            }),
            IAdjudicator.SlashParams({fraudBps: 5_000, missedDeadlineBps: 1_000, insolvencyBps: 2_000}),
            IRestitutionClaims.ClaimParams({
                claimWindow: 2 days,
                insuranceShareBps: 2_000,
                insuranceFund: address(this)
            })
        );
        vault.setAdjudicator(address(adjudicator));
        registry.grantRole(registry.ADJUDICATOR_ROLE(), address(adjudicator));
        registry.grantRole(registry.AUDITOR_ROLE(), address(this));
        registry.listAsset(1, address(0), "ETH", 18);
        transfers = new Transfers(
            address(this),
            registry,
            IStakeSource(address(vault)),
            ledger,
            IReputation(address(reputation)),
            ITransfers.Params({
                minSettleWindow: 600,
                maxSettleWindow: 2 days,
                reportWindow: 3 days,
                penaltyBps: 1_000,
                creditBps: 5_000,
                reputationBps: 5_000
            })
        );
        transfers.setAdjudicator(address(adjudicator));
        adjudicator.setTransfers(address(transfers));
        reputation.setTransfers(address(transfers));
        transfers.setAssetTerms(1, ITransfers.AssetTerms({kind: ITransfers.AssetKind.Native, weight: 1e18}));

        address[2] memory members = [sender, RECIPIENT];
        for (uint256 i = 0; i < 2; ++i) {
            VM.prank(members[i]);
            registry.applyForMembership(bytes32(uint256(1)));
            registry.approveGenesis(members[i], bytes32(uint256(2)));
            VM.deal(address(this), COLLATERAL);
            vault.deposit{value: COLLATERAL}(members[i], address(0), COLLATERAL);
            registry.activate(members[i]);
        }
        address deposit = VM.addr(DEPOSIT_KEY);
        uint64 deadline = uint64(block.timestamp) + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(
            DEPOSIT_KEY,
            transfers.depositAddressDigest(RECIPIENT, 1, deposit, deadline)
        );
        VM.prank(RECIPIENT);
        transfers.registerDepositAddress(1, deposit, deadline, abi.encodePacked(r, s, v));
        handler = new TransfersHandler(transfers, vault, SENDER_KEY, RECIPIENT, deposit);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The handler's calls succeed (a reverting handler would make the invariants vacuous).
    function test_handlerPostsSettlesAndDefaults() public {
        handler.post(1 ether, 100);
        handler.post(2 ether, 100);
        handler.post(3 ether, 100);
        handler.settle(0);
        handler.reportDefault(0);
        handler.payDefault(0);
        require(handler.settlements() == 1 && handler.defaults() == 1, "one settled, one defaulted");
        require(handler.payouts() == 1 && handler.paidToRecipient() > 0, "the recipient was paid");
        invariant_valueConserved();
        invariant_owedIsOpenNotices();
        invariant_defaultsTakeWhatIsOwed();
    }

    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 24
    function invariant_valueConserved() public view {
        uint256 inVault = vault.balanceOf(sender, address(0)) + vault.balanceOf(RECIPIENT, address(0));
        uint256 pool = vault.restitutionOf(sender, address(0));
        require(address(vault).balance == inVault + pool, "the vault holds exactly the balances and the pool");
        require(
            2 * COLLATERAL == inVault + pool + handler.paidToRecipient(),
            "collateral in = collateral in the vault + the sender's pool + paid to the recipient"
        );
        require(pool + handler.paidToRecipient() == handler.slashedToPool(), "every slash is in the pool or paid");
        require(RECIPIENT.balance == handler.paidToRecipient(), "the recipient received every payout");
    }

    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 24
    function invariant_owedIsOpenNotices() public view {
        (, uint256 owed) = transfers.creditWeightOf(sender);
        require(owed == handler.openOwed(), "owed weight = the open notices'");
        ITransfers.Duties memory d = transfers.dutiesOf(sender);
        require(d.settled == handler.settlements() && d.defaulted == handler.defaults(), "duties counted once");
    }

    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 24
    function invariant_defaultsTakeWhatIsOwed() public view {
        // A short slash only when the stake ran out (the whole stake was taken).
        if (handler.shortDefaults() != 0) require(vault.stakeOf(sender) == 0, "short only when nothing is left");
    }
}
