// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../../contracts/interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {MemberStatuses} from "../../contracts/libraries/MemberStatuses.sol";
import {PackedClaim, PackedClaimLibrary} from "../../contracts/libraries/PackedClaim.sol";
import {PackedSet, PackedSetLibrary} from "../../contracts/libraries/PackedSet.sol";
import {PackedStake} from "../../contracts/libraries/PackedStake.sol";

/// @notice The packed storage words and the member-status predicates: every field reads back what was written, and a
/// setter changes its own field only (fuzzed); the predicates' truth tables over every status.
contract PackedWordsTest {
    using MemberStatuses for IConsortiumRegistry.MemberStatus;

    // ------------------------------------------------------------------ PackedSet

    function testFuzz_packedSetReadsBackEveryField(
        bytes32 setHash,
        uint40 committedAt,
        uint16 assetCount,
        bool insolvent,
        uint8 rawStatus
    ) public pure {
        ICommitmentLedger.SetStatus status = ICommitmentLedger.SetStatus(
            rawStatus % (uint8(type(ICommitmentLedger.SetStatus).max) + 1)
        );
        PackedSet set = PackedSetLibrary.pack(setHash, committedAt, assetCount, insolvent, status);
        require(set.status() == status, "status");
        require(set.committedAt() == committedAt, "committedAt");
        require(set.assetCount() == assetCount, "assetCount");
        require(set.declaredInsolvent() == insolvent, "declaredInsolvent");
        require(set.digest() == setHash & ~bytes32(uint256((1 << 72) - 1)), "digest keeps the top 184 bits");
        require(set.matches(setHash), "matches its own hash");
        require(!set.matches(setHash ^ bytes32(uint256(1) << 255)), "a hash differing in the kept bits does not match");
        require(set.matches(setHash ^ bytes32(uint256(1))), "the low bits of the hash are not kept");
        if (status != ICommitmentLedger.SetStatus.None) require(!set.isEmpty(), "a stored set is never the zero word");
    }

    function testFuzz_packedSetWithStatusChangesOnlyTheStatus(
        bytes32 setHash,
        uint40 committedAt,
        uint16 assetCount,
        bool insolvent
    ) public pure {
        PackedSet set = PackedSetLibrary.pack(
            setHash,
            committedAt,
            assetCount,
            insolvent,
            ICommitmentLedger.SetStatus.Pending
        );
        PackedSet next = set.withStatus(ICommitmentLedger.SetStatus.Insolvent);
        require(next.status() == ICommitmentLedger.SetStatus.Insolvent, "status");
        require(next.committedAt() == committedAt && next.assetCount() == assetCount, "other fields");
        require(next.declaredInsolvent() == insolvent && next.digest() == set.digest(), "other fields");
    }

    function test_packedSetZeroWordIsEmpty() public pure {
        PackedSet set = PackedSet.wrap(0);
        require(set.isEmpty() && set.status() == ICommitmentLedger.SetStatus.None, "zero word");
    }

    // ------------------------------------------------------------------ PackedStake

    function testFuzz_packedStakeSettersKeepTheOtherFields(
        uint256 start,
        uint128 weight,
        uint40 lastUpdate,
        uint40 increasedAt,
        uint24 epoch,
        bool coSigner,
        uint16 slashCount
    ) public pure {
        PackedStake s = PackedStake
            .wrap(start & ~(uint256(0xff) << 232)) // coSigner bits are 0 or 1
            .withWeight(weight);
        require(s.weight() == weight, "weight");
        s = s.withLastUpdate(lastUpdate);
        require(s.weight() == weight && s.lastUpdate() == lastUpdate, "lastUpdate");
        s = s.withIncreasedAt(increasedAt);
        require(s.lastUpdate() == lastUpdate && s.increasedAt() == increasedAt, "increasedAt");
        s = s.withEpoch(epoch);
        require(s.increasedAt() == increasedAt && s.epoch() == epoch, "epoch");
        s = s.withCoSigner(coSigner);
        require(s.epoch() == epoch && s.coSigner() == coSigner, "coSigner");
        s = s.withSlashCount(slashCount);
        require(s.coSigner() == coSigner && s.slashCount() == slashCount, "slashCount");
        require(s.weight() == weight && s.lastUpdate() == lastUpdate && s.increasedAt() == increasedAt, "all");
        // A later write of one field leaves every other field as it was.
        PackedStake t = s.withWeight(~weight);
        require(t.weight() == ~weight && t.slashCount() == slashCount && t.epoch() == epoch, "rewrite");
        require(t.coSigner() == coSigner && t.lastUpdate() == lastUpdate && t.increasedAt() == increasedAt, "rewrite");
    }

    // ------------------------------------------------------------------ PackedClaim

    function testFuzz_packedClaimFlags(uint32 asset, uint96 claim, uint32 round, uint256 payoutHash) public pure {
        uint256 d = PackedClaimLibrary.digestOf(asset, claim, round, payoutHash);
        require(d & 7 == 0, "the digest leaves the flag bits free");
        PackedClaim c = PackedClaimLibrary.booked(d);
        require(!c.isEmpty() && c.digest() == d && !c.isPaid() && !c.isVetoed(), "booked");
        PackedClaim paid = c.withPaid();
        require(paid.isPaid() && !paid.isVetoed() && paid.digest() == d, "paid");
        PackedClaim vetoed = c.withVetoed();
        require(vetoed.isVetoed() && !vetoed.isPaid() && vetoed.digest() == d, "vetoed");
        require(PackedClaimLibrary.digestOf(asset, claim ^ 1, round, payoutHash) != d, "the terms are bound");
    }

    function test_packedClaimZeroWordIsEmpty() public pure {
        require(PackedClaim.wrap(0).isEmpty(), "zero word");
    }

    // ------------------------------------------------------------------ MemberStatuses

    function test_memberStatusPredicates() public pure {
        // None, Applied, Probation, Active, Exiting, Exited, Ejected
        bool[7] memory operating = [false, false, true, true, false, false, false];
        bool[7] memory enrolled = [false, true, true, true, false, false, false];
        bool[7] memory requestable = [false, false, true, true, true, false, false];
        bool[7] memory left = [false, false, false, false, false, true, true];
        for (uint8 i = 0; i <= uint8(type(IConsortiumRegistry.MemberStatus).max); i++) {
            IConsortiumRegistry.MemberStatus s = IConsortiumRegistry.MemberStatus(i);
            require(s.isOperating() == operating[i], "isOperating");
            require(s.isEnrolled() == enrolled[i], "isEnrolled");
            require(s.isRequestable() == requestable[i], "isRequestable");
            require(s.hasLeft() == left[i], "hasLeft");
        }
    }
}
