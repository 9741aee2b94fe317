// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IStakeSource} from "../interfaces/IStakeSource.sol";
import {PackedStake} from "./PackedStake.sol";

/// @title BondedStake
/// @notice The cached stake weights a stake source keeps per member, shared by `CollateralVault` and
/// `EigenLayerStakeSource`: one `PackedStake` word per member (weight, co-signer flag, weight epoch, slash counter),
/// the weight's time integral (time-weighted collateral for `Reputation`) and, per block with a weight increase, the
/// weight before it, so the quorum counts a signer's weight as it was before a subject was created (bonded weight:
/// stake that arrives at or after a subject's creation adds nothing to it).
library BondedStake {
    /// @dev The weight a member had before an increase at `time` (as lowered in place by any decrease before it).
    struct Checkpoint {
        uint40 time;
        uint128 weightBefore;
    }

    /// @dev The time integral of a member's cached weight.
    struct StakeTime {
        uint216 weightSeconds;
        uint40 since;
    }

    /// @notice Every member's cached stake.
    /// @param stakes One word per member (see `PackedStake`); the quorum reads one slot per signer.
    /// @param times The time integral of each member's cached weight.
    /// @param history Per member, one checkpoint per block with a weight increase, in time order.
    struct Book {
        mapping(address member => PackedStake stake) stakes;
        mapping(address member => StakeTime stakeTime) times;
        mapping(address member => Checkpoint[] checkpoints) history;
    }

    /// @notice Integrates the previous cached weight up to now (the clock starts at the first non-zero weight), records
    /// a checkpoint when the weight rises (once per block), then caches `weight` under `epoch` and adds `slashes` to
    /// the (saturating) slash counter, in the same slot.
    function cache(Book storage book, address member, uint256 weight, uint16 slashes, uint24 epoch) internal {
        PackedStake stake = book.stakes[member];
        uint40 nowTime = uint40(block.timestamp);
        uint40 lastUpdate = stake.lastUpdate();
        uint128 previous = stake.weight();
        if (lastUpdate == 0) {
            if (weight != 0) {
                book.times[member].since = nowTime;
                stake = stake.withLastUpdate(nowTime);
            }
        } else {
            if (previous != 0 && nowTime != lastUpdate) {
                StakeTime storage time = book.times[member];
                uint256 total = uint256(time.weightSeconds) + uint256(previous) * (nowTime - lastUpdate);
                time.weightSeconds = total > type(uint216).max ? type(uint216).max : uint216(total);
            }
            stake = stake.withLastUpdate(nowTime);
        }
        uint128 cached = SafeCast.toUint128(weight);
        if (cached > previous) {
            if (stake.increasedAt() != nowTime) {
                book.history[member].push(Checkpoint({time: nowTime, weightBefore: previous}));
                stake = stake.withIncreasedAt(nowTime);
            }
        }
        uint256 slashCount = uint256(stake.slashCount()) + slashes;
        book.stakes[member] = stake.withWeight(cached).withEpoch(epoch).withSlashCount(
            slashCount > type(uint16).max ? type(uint16).max : uint16(slashCount)
        );
    }

    /// @notice Adds one to `member`'s (saturating) slash counter, nothing else.
    function countSlash(Book storage book, address member) internal {
        PackedStake stake = book.stakes[member];
        uint16 slashCount = stake.slashCount();
        if (slashCount != type(uint16).max) book.stakes[member] = stake.withSlashCount(slashCount + 1);
    }

    /// @notice Records whether `member` may co-sign, in its stake word.
    function setCoSigner(Book storage book, address member, bool coSigner) internal {
        book.stakes[member] = book.stakes[member].withCoSigner(coSigner);
    }

    /// @notice The weight `member` had before its first increase at or after `createdAt` (one exists: the caller
    /// checked `createdAt <= stake.increasedAt()`), by binary search of its checkpoints.
    function weightBefore(Book storage book, address member, uint64 createdAt) internal view returns (uint256) {
        Checkpoint[] storage checkpoints = book.history[member];
        uint256 low = 0;
        uint256 high = checkpoints.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (checkpoints[mid].time < createdAt) low = mid + 1;
            else high = mid;
        }
        return checkpoints[low].weightBefore;
    }

    /// @notice `member`'s cached stake and its time integral; `current` when cached under `epoch`.
    function historyOf(
        Book storage book,
        address member,
        uint24 epoch
    ) internal view returns (IStakeSource.StakeHistory memory) {
        PackedStake stake = book.stakes[member];
        StakeTime memory time = book.times[member];
        return
            IStakeSource.StakeHistory({
                weight: stake.weight(),
                weightSeconds: time.weightSeconds,
                since: time.since,
                lastUpdate: stake.lastUpdate(),
                slashCount: stake.slashCount(),
                current: stake.epoch() == epoch
            });
    }
}
