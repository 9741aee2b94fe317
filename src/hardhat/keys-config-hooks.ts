// The config hooks of the keys plugin (./keys-plugin.ts): `por.operatorKey`, `por.aggregatorKey` and `por.encryptionKey`, `por.previousEncryptionKeys` validated as
// configuration variables and resolved lazily (the value is read only when a task calls `get()`).
import { configVariable } from "hardhat/config";
import type { ConfigurationVariable, HardhatUserConfig } from "hardhat/types/config";
import type { ConfigHooks } from "hardhat/types/hooks";

import type { PorKeysConfig } from "./keys-plugin.js";

const DEFAULTS = {
  operatorKey: "POR_OPERATOR_KEY",
  aggregatorKey: "POR_AGGREGATOR_KEY",
  encryptionKey: "POR_ENCRYPTION_KEY",
  previousEncryptionKeys: "POR_PREVIOUS_ENCRYPTION_KEYS",
} as const;
const FIELDS = Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>;

const isConfigVariable = (v: unknown): v is ConfigurationVariable =>
  typeof v === "object" &&
  v !== null &&
  (v as ConfigurationVariable)._type === "ConfigurationVariable" &&
  typeof (v as ConfigurationVariable).name === "string";

const configHooks: Partial<ConfigHooks> = {
  validateUserConfig: async (userConfig: HardhatUserConfig) => {
    const por: unknown = userConfig.por;
    if (por === undefined) return [];
    if (typeof por !== "object" || por === null) return [{ path: ["por"], message: "must be an object" }];
    const errors = [];
    for (const [key, value] of Object.entries(por)) {
      if (!(FIELDS as string[]).includes(key)) {
        errors.push({ path: ["por", key], message: `unknown field (expected ${FIELDS.join(" or ")})` });
      } else if (value !== undefined && !isConfigVariable(value)) {
        errors.push({ path: ["por", key], message: "must be a configuration variable: configVariable(NAME)" });
      }
    }
    return errors;
  },
  resolveUserConfig: async (userConfig, resolveConfigurationVariable, next) => {
    const resolved = await next(userConfig, resolveConfigurationVariable);
    const por = {} as PorKeysConfig;
    for (const field of FIELDS) {
      const variable = userConfig.por?.[field] ?? configVariable(DEFAULTS[field]);
      por[field] = Object.assign(resolveConfigurationVariable(variable), { name: variable.name });
    }
    return { ...resolved, por };
  },
};

export default async (): Promise<Partial<ConfigHooks>> => configHooks;
