// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice A freely mintable ERC-20 for tests only; optional per-recipient transfer blocking to model
/// blacklisting tokens.
contract TestToken is ERC20 {
    uint8 private immutable _decimals;
    mapping(address account => bool blocked) private _blocked;

    /// @notice A transfer to a blocked recipient.
    error TestTokenBlocked(address to);

    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    /// @param decimals_ Token decimals.
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice Mint `amount` to `to` (anyone; test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Block or unblock transfers to `account`.
    function setBlocked(address account, bool blocked) external {
        _blocked[account] = blocked;
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_blocked[to]) revert TestTokenBlocked(to);
        super._update(from, to, value);
    }
}
