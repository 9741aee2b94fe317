// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @title MemberStatuses
/// @notice The predicates over `IConsortiumRegistry.MemberStatus` that the contracts share, so each rule is stated
/// once: `using MemberStatuses for IConsortiumRegistry.MemberStatus;` then `status.isOperating()`.
library MemberStatuses {
    /// @notice Approved by an auditor and not leaving (Probation or Active): may commit, co-sign quorums and register
    /// record keys; is ejected for low collateral after a slash.
    function isOperating(IConsortiumRegistry.MemberStatus status) internal pure returns (bool) {
        return
            status == IConsortiumRegistry.MemberStatus.Probation || status == IConsortiumRegistry.MemberStatus.Active;
    }

    /// @notice Joined and not leaving (Applied, Probation or Active): may deposit collateral and register reserve
    /// wallets.
    function isEnrolled(IConsortiumRegistry.MemberStatus status) internal pure returns (bool) {
        return status == IConsortiumRegistry.MemberStatus.Applied || isOperating(status);
    }

    /// @notice Still answerable for past snapshots (Probation, Active or Exiting): may be asked for a proof.
    function isRequestable(IConsortiumRegistry.MemberStatus status) internal pure returns (bool) {
        return isOperating(status) || status == IConsortiumRegistry.MemberStatus.Exiting;
    }

    /// @notice Gone for good (Exited or Ejected): anyone may remove its reserve wallets; it cannot be ejected again.
    function hasLeft(IConsortiumRegistry.MemberStatus status) internal pure returns (bool) {
        return status == IConsortiumRegistry.MemberStatus.Exited || status == IConsortiumRegistry.MemberStatus.Ejected;
    }
}
