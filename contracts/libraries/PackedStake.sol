// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A member's cached stake weight in the collateral vault, in one storage word with what the quorum needs
/// (the co-signer flag, the weight epoch, the time of the last weight increase) and the slash counter (a slash
/// rewrites the word anyway). `lastUpdate` stays zero until the member's first non-zero weight starts its
/// time-weighted clock. Bits: weight 0-127, lastUpdate 128-167, increasedAt 168-207, epoch 208-231, coSigner 232-239
/// (0 or 1), slashCount 240-255 (saturating). The zero word is a member the vault never saw.
type PackedStake is uint256;

using PackedStakeLibrary for PackedStake global;

/// @title PackedStakeLibrary
/// @notice Named getters and copy-with setters of `PackedStake` (Uniswap v4's `Slot0` pattern); every setter takes a
/// value of its field's width, so no field overflows into the next.
library PackedStakeLibrary {
    uint256 private constant _LAST_UPDATE_OFFSET = 128;
    uint256 private constant _INCREASED_AT_OFFSET = 168;
    uint256 private constant _EPOCH_OFFSET = 208;
    uint256 private constant _CO_SIGNER_OFFSET = 232;
    uint256 private constant _SLASH_COUNT_OFFSET = 240;

    uint256 private constant _MASK_8 = 0xff;
    uint256 private constant _MASK_16 = 0xffff;
    uint256 private constant _MASK_24 = 0xffffff;
    uint256 private constant _MASK_40 = 0xffffffffff;
    uint256 private constant _MASK_128 = type(uint128).max;

    /// @notice The cached stake weight.
    function weight(PackedStake stake) internal pure returns (uint128) {
        return uint128(PackedStake.unwrap(stake) & _MASK_128);
    }

    /// @notice The time the time-weighted clock last integrated the weight (zero before the first non-zero weight).
    function lastUpdate(PackedStake stake) internal pure returns (uint40) {
        return uint40((PackedStake.unwrap(stake) >> _LAST_UPDATE_OFFSET) & _MASK_40);
    }

    /// @notice The time of the last weight increase (a checkpoint holds the weight before it).
    function increasedAt(PackedStake stake) internal pure returns (uint40) {
        return uint40((PackedStake.unwrap(stake) >> _INCREASED_AT_OFFSET) & _MASK_40);
    }

    /// @notice The vault's weight epoch the weight was cached under (an older one is stale).
    function epoch(PackedStake stake) internal pure returns (uint24) {
        return uint24((PackedStake.unwrap(stake) >> _EPOCH_OFFSET) & _MASK_24);
    }

    /// @notice Whether the registry marked the member as one that may co-sign.
    function coSigner(PackedStake stake) internal pure returns (bool) {
        return (PackedStake.unwrap(stake) >> _CO_SIGNER_OFFSET) & _MASK_8 != 0;
    }

    /// @notice How many slashes the member took (saturates at 2^16 - 1).
    function slashCount(PackedStake stake) internal pure returns (uint16) {
        return uint16(PackedStake.unwrap(stake) >> _SLASH_COUNT_OFFSET);
    }

    /// @notice `stake` with its weight set to `value`.
    function withWeight(PackedStake stake, uint128 value) internal pure returns (PackedStake) {
        return PackedStake.wrap((PackedStake.unwrap(stake) & ~_MASK_128) | value);
    }

    /// @notice `stake` with its last update time set to `value`.
    function withLastUpdate(PackedStake stake, uint40 value) internal pure returns (PackedStake) {
        return _with(stake, _LAST_UPDATE_OFFSET, _MASK_40, value);
    }

    /// @notice `stake` with its last increase time set to `value`.
    function withIncreasedAt(PackedStake stake, uint40 value) internal pure returns (PackedStake) {
        return _with(stake, _INCREASED_AT_OFFSET, _MASK_40, value);
    }

    /// @notice `stake` with its weight epoch set to `value`.
    function withEpoch(PackedStake stake, uint24 value) internal pure returns (PackedStake) {
        return _with(stake, _EPOCH_OFFSET, _MASK_24, value);
    }

    /// @notice `stake` with its co-signer flag set to `value`.
    function withCoSigner(PackedStake stake, bool value) internal pure returns (PackedStake) {
        return _with(stake, _CO_SIGNER_OFFSET, _MASK_8, value ? 1 : 0);
    }

    /// @notice `stake` with its slash counter set to `value`.
    function withSlashCount(PackedStake stake, uint16 value) internal pure returns (PackedStake) {
        return _with(stake, _SLASH_COUNT_OFFSET, _MASK_16, value);
    }

    function _with(PackedStake stake, uint256 offset, uint256 mask, uint256 value) private pure returns (PackedStake) {
        return PackedStake.wrap((PackedStake.unwrap(stake) & ~(mask << offset)) | (value << offset));
    }
}
