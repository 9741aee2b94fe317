// Where a keystore password comes from: the environment variable POR_KEYSTORE_PASSWORD, else a hidden prompt
// when a terminal is attached. Never from a command-line argument (it would land in shell history).
import { createInterface } from "node:readline";

/** Environment variable holding the keystore password for non-interactive runs. */
export const PASSWORD_ENV = "POR_KEYSTORE_PASSWORD";

/** Reads the keystore password from the environment or, if interactive, from a hidden prompt. */
export async function readPassword(prompt = "Keystore password: "): Promise<string> {
  const env = process.env[PASSWORD_ENV];
  if (env !== undefined && env !== "") return env;
  if (!process.stdin.isTTY) {
    throw new Error(`no keystore password: set ${PASSWORD_ENV} or run in a terminal to be prompted`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted) process.stderr.write(s);
  };
  try {
    return await new Promise<string>((resolve) => {
      rl.question(prompt, (answer) => {
        process.stderr.write("\n");
        resolve(answer);
      });
      muted = true;
    });
  } finally {
    rl.close();
  }
}
