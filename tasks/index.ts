// Every Hardhat task of the project, declared here and listed in hardhat.config.ts.
// Each task is thin: its action lives in its own file under tasks/ and calls the library in src/.
import type { NewTaskDefinition } from "hardhat/types/tasks";

export const taskDefinitions: NewTaskDefinition[] = [];
