// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Attestations} from "../../contracts/Attestations.sol";
import {CollateralVault} from "../../contracts/CollateralVault.sol";
import {CommitmentLedger} from "../../contracts/CommitmentLedger.sol";
import {ConsortiumRegistry} from "../../contracts/ConsortiumRegistry.sol";
import {Reputation} from "../../contracts/Reputation.sol";
import {IAttestations} from "../../contracts/interfaces/IAttestations.sol";
import {ICommitmentLedger} from "../../contracts/interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {IStakeSource} from "../../contracts/interfaces/IStakeSource.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @notice Drives Attestations with random IAs (as the member) and RAs (signed by one of two auditors' keys, each on
/// its own chain, accounting for any prefix of the IAs: fewer than the baseline's too), keeping per asset the amounts
/// of every IA, and the reserves and through-IA of the baseline (the last RA accounting for more IAs, lowered by any
/// accounting for as many with a smaller figure), so the invariant can recompute the expected-reserves baseline.
contract AttestationsHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint32 internal constant ASSETS = 2;

    Attestations internal immutable _ATTESTATIONS;
    address internal immutable _MEMBER;
    uint256 internal immutable _AUDITOR_KEY;
    uint256 internal immutable _SECOND_AUDITOR_KEY;

    /// @dev Per asset (index asset - 1): every IA posted, in order.
    IAttestations.InterimRecord[][2] internal _records;
    uint128[2] public lastReserves;
    uint64[2] public lastThrough;
    /// @dev Per asset: whether an RA set the baseline yet.
    bool[2] internal _baselineSet;

    constructor(Attestations attestations, address member, uint256 auditorKey, uint256 secondAuditorKey) {
        _ATTESTATIONS = attestations;
        _MEMBER = member;
        _AUDITOR_KEY = auditorKey;
        _SECOND_AUDITOR_KEY = secondAuditorKey;
    }

    function postInterim(uint8 assetSeed, uint96 amount, uint32 wait) external {
        uint32 asset = (assetSeed % ASSETS) + 1;
        if (amount == 0) amount = 1;
        VM.warp(block.timestamp + (wait % 1 days) + 1);
        IAttestations.Interim memory interim = IAttestations.Interim({
            asset: asset,
            amount: amount,
            destinationDigest: keccak256("destination"),
            txRef: bytes32(uint256(block.timestamp)),
            deadline: uint64(block.timestamp) + 1 hours
        });
        VM.prank(_MEMBER);
        _ATTESTATIONS.postInterim(interim);
        IAttestations.AssetBook memory book = _ATTESTATIONS.assetBookOf(_MEMBER, asset);
        _records[asset - 1].push(
            IAttestations.InterimRecord({
                member: _MEMBER,
                asset: asset,
                seq: book.seq,
                amount: amount,
                cumulative: book.cumulative,
                destinationDigest: interim.destinationDigest,
                txRef: interim.txRef,
                deadline: interim.deadline,
                postedAt: uint64(block.timestamp),
                slot: book.seq
            })
        );
    }

    /// @dev An RA over both assets by one of the two auditors, accounting for a random prefix of each asset's IAs.
    function postReserveAttestation(
        uint8 auditorSeed,
        uint128 reserves0,
        uint128 reserves1,
        uint64 pick0,
        uint64 pick1
    ) external {
        VM.warp(block.timestamp + 1);
        uint256 key = auditorSeed % 2 == 0 ? _AUDITOR_KEY : _SECOND_AUDITOR_KEY;
        IAttestations.AuditorChain memory chain = _ATTESTATIONS.auditorChainOf(_MEMBER, VM.addr(key));
        uint64[2] memory through = [_pick(0, pick0), _pick(1, pick1)];
        uint128[2] memory reserves = [reserves0, reserves1];
        IAttestations.AssetReserve[] memory assetReserves = new IAttestations.AssetReserve[](2);
        uint256 used = 0;
        for (uint256 i = 0; i < 2; ++i) {
            assetReserves[i] = IAttestations.AssetReserve(uint32(i + 1), reserves[i], through[i]);
            if (through[i] != 0) ++used;
        }
        IAttestations.InterimRecord[] memory records = new IAttestations.InterimRecord[](used);
        used = 0;
        for (uint256 i = 0; i < 2; ++i) {
            if (through[i] != 0) records[used++] = _records[i][through[i] - 1];
        }
        IAttestations.ReserveAttestation memory ra = IAttestations.ReserveAttestation({
            member: _MEMBER,
            auditor: VM.addr(key),
            periodStart: chain.lastPeriodEnd,
            periodEnd: uint64(block.timestamp),
            nonce: chain.nonce,
            findings: IAttestations.Findings(0, 0, 0, 0, 10_000, 0, 0),
            reportDigest: keccak256("report"),
            reserves: assetReserves
        });
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, _ATTESTATIONS.reserveAttestationDigest(ra));
        _ATTESTATIONS.postReserveAttestation(ra, records, abi.encodePacked(r, s, v));
        for (uint256 i = 0; i < 2; ++i) {
            // An RA accounting for fewer IAs than the baseline leaves it; one accounting for the same IAs only lowers
            // its reserves.
            if (through[i] < lastThrough[i]) continue;
            if (through[i] == lastThrough[i] && _baselineSet[i]) {
                if (reserves[i] < lastReserves[i]) lastReserves[i] = reserves[i];
                continue;
            }
            _baselineSet[i] = true;
            lastReserves[i] = reserves[i];
            lastThrough[i] = through[i];
        }
    }

    /// @dev A through-IA for asset index `i`: any of the IAs posted before now, or none (0).
    function _pick(uint256 i, uint64 seed) private view returns (uint64) {
        return seed % (uint64(_records[i].length) + 1);
    }

    /// @notice Sum of the amounts of asset index `i`'s IAs after the last RA's through-IA.
    function outflowSince(uint256 i) external view returns (uint256 sum) {
        for (uint256 k = lastThrough[i]; k < _records[i].length; ++k) sum += _records[i][k].amount;
    }
}

/// @notice The expected-reserves baseline equals the last RA's reserves minus the IAs posted after those it
/// accounted for, whatever the sequence of IAs and RAs.
contract AttestationsInvariantTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant AUDITOR_KEY = 0xA11CE;
    uint256 internal constant SECOND_AUDITOR_KEY = 0xB0B;

    Attestations internal attestations;
    AttestationsHandler internal handler;
    address internal constant MEMBER = address(0x1001);

    function setUp() public {
        ConsortiumRegistry registry = new ConsortiumRegistry(
            address(this),
            IConsortiumRegistry.Sla({snapshotInterval: 1 days, responseWindow: 1 days, minCollateral: 1 ether}),
            7 days,
            14 days
        );
        CollateralVault vault = new CollateralVault(address(this), address(registry), 1e18, 1_000);
        registry.setStakeSource(address(vault));
        CommitmentLedger ledger = new CommitmentLedger(
            address(this),
            registry,
            IStakeSource(address(vault)),
            ICommitmentLedger.QuorumParams({quorumWeight: 1 ether, minSigners: 1, requestFee: 0, maxOpenRequests: 4})
        );
        registry.listAsset(1, address(0), "ETH", 18);
        registry.listAsset(2, address(0xbeef), "TUSD", 6);
        registry.grantRole(registry.AUDITOR_ROLE(), address(this));
        registry.grantRole(registry.AUDITOR_ROLE(), VM.addr(AUDITOR_KEY));
        registry.grantRole(registry.AUDITOR_ROLE(), VM.addr(SECOND_AUDITOR_KEY));
        VM.prank(MEMBER);
        registry.applyForMembership(bytes32(uint256(1)));
        registry.approveGenesis(MEMBER, bytes32(uint256(2)));
        attestations = new Attestations(
            address(this),
            registry,
            IStakeSource(address(vault)),
            ledger,
            new Reputation(address(this), IStakeSource(address(vault)), ledger, 5_000),
            IAttestations.Params({
                raInterval: 30 days,
                interimWindow: 2 days,
                sampleWindow: 3 days,
                missedInterimBps: 0,
                minRaPeriod: 0
            })
        );
        handler = new AttestationsHandler(attestations, MEMBER, AUDITOR_KEY, SECOND_AUDITOR_KEY);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The handler's calls succeed (a reverting handler would make the invariant vacuous).
    function test_handlerPostsIasAndRas() public {
        handler.postInterim(0, 5, 10);
        handler.postInterim(1, 7, 10);
        handler.postInterim(0, 3, 10);
        handler.postReserveAttestation(0, 100, 50, 1, 0);
        (uint256 expected, uint256 outflowSince) = attestations.expectedReserves(MEMBER, 1);
        require(expected == 97 && outflowSince == 3, "asset 1 after the RA");
        handler.postReserveAttestation(0, 2, 1, 5, 5);
        (expected, outflowSince) = attestations.expectedReserves(MEMBER, 2);
        require(attestations.assetBookOf(MEMBER, 2).throughSeq == handler.lastThrough(1), "through");
        require(expected == (outflowSince >= 1 ? 0 : 1 - outflowSince), "asset 2 after the second RA");
        // The second auditor's RA accounting for no IA: taken, the baseline left as it stands.
        handler.postReserveAttestation(1, 7, 7, 0, 0);
        require(attestations.auditStateOf(MEMBER).count == 3, "the stale RA is taken");
        require(attestations.assetBookOf(MEMBER, 1).baseReserves == 2, "asset 1's baseline left");
        // An RA accounting for the baseline's IAs: a larger figure (asset 1) is not taken, a smaller one (asset 2) is.
        handler.postReserveAttestation(1, 9, 0, 5, 5);
        require(attestations.assetBookOf(MEMBER, 1).baseReserves == 2, "asset 1's baseline not raised");
        require(attestations.assetBookOf(MEMBER, 2).baseReserves == 0, "asset 2's baseline lowered");
        invariant_baselineIsLastRaMinusIasSince();
    }

    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 24
    function invariant_baselineIsLastRaMinusIasSince() public view {
        for (uint32 asset = 1; asset <= 2; ++asset) {
            uint256 i = asset - 1;
            uint256 outflow = handler.outflowSince(i);
            uint256 reserves = handler.lastReserves(i);
            (uint256 expected, uint256 outflowSince) = attestations.expectedReserves(MEMBER, asset);
            require(outflowSince == outflow, "outflow since the last RA");
            require(expected == (outflow >= reserves ? 0 : reserves - outflow), "expected reserves");
            require(attestations.assetBookOf(MEMBER, asset).throughSeq == handler.lastThrough(i), "through");
        }
    }
}
