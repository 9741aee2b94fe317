import { given, runTask } from "../src/client/index.js";
import { WEB_BUDGET_BYTES, buildWebPage } from "../src/web/build.js";

export interface Args {
  out?: string;
  json: boolean;
}

/** `hardhat web build [--out dir]`: bundles the user's page (web/) into build/web; fails over the size budget. */
export default async function action(args: Args): Promise<void> {
  await runTask(
    "web build",
    async (out) => {
      const page = await buildWebPage({ outDir: given(args.out) ? args.out : undefined });
      for (const f of page.files) out.line(`  ${f.name}: ${f.bytes} bytes`);
      out.line(`built the web page in ${page.dir} (${page.totalBytes} bytes; budget ${WEB_BUDGET_BYTES})`);
      out.setAll({ dir: page.dir, files: page.files, totalBytes: page.totalBytes, budgetBytes: WEB_BUDGET_BYTES });
      if (page.totalBytes > WEB_BUDGET_BYTES) {
        out.line(`the page is over its size budget by ${page.totalBytes - WEB_BUDGET_BYTES} bytes`);
        out.failed = true;
      }
    },
    { json: args.json },
  );
}
