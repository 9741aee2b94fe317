// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {IWrappedNative} from "../interfaces/IWrappedNative.sol";

/// @title TestWrappedEther
/// @notice TEST-ONLY wrapped ether (WETH9's deposit and withdraw over an OpenZeppelin ERC-20), for the EigenLayer
/// stand-ins' WETH strategy in tests and the demo; never deploy it to a public network.
contract TestWrappedEther is ERC20, IWrappedNative {
    /// @notice An ether payment failed.
    error TestWrappedEtherTransferFailed(address to, uint256 amount);

    constructor() ERC20("Test Wrapped Ether", "WETH") {}

    /// @notice Wraps on a plain transfer too, as WETH9 does.
    receive() external payable {
        _mint(msg.sender, msg.value);
    }

    /// @inheritdoc IWrappedNative
    function deposit() external payable {
        _mint(msg.sender, msg.value);
    }

    /// @inheritdoc IWrappedNative
    function withdraw(uint256 amount) external {
        _burn(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert TestWrappedEtherTransferFailed(msg.sender, amount);
    }
}
