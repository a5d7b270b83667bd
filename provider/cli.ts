#!/usr/bin/env node
/**
 * The `mde-forensics` command: dispatches to its subcommands, each a module of its own folder
 * (`verify` → provider/verify/cli.ts, `report` → provider/report/cli.ts). Loaded lazily, so
 * `verify` never loads the report's parsers and the other way round.
 */
const USAGE = `usage: mde-forensics <command> …   (mde-forensics <command> --help: its options)
  verify <folder | azblob://…> [--public-key <pem>]... [--tsa-root <pem>]... [--json] [--report]
         checks packages, manifests, the custody chain, signatures and timestamps
  report <folder | azblob://…> [--out <dir>] [--signing-key <pem>] [--no-custody] [sign-in options]
         the fleet's triage report from its packages (HTML, JSON, a CSV per finding kind)
`;

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === "verify") return (await import("./verify/cli")).main(argv);
  // In a worker whose young generation is bounded: report/worker.ts says why.
  if (command === "report") return (await import("./report/worker")).reportCommand(argv.slice(1));
  process.stderr.write(command && command !== "--help" && command !== "-h" ? `unknown command ${command}\n${USAGE}` : USAGE);
  return command === "--help" || command === "-h" ? 0 : 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`mde-forensics: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
