/** `botmaster`: the command line. Same language service as the editor, on files and folders. */
import { runChat } from './chat';
import { runCheck } from './check';
import { runGraph } from './graph';

const USAGE = `Usage: botmaster <command> [options]

Commands:
  check [paths...]   Check dialog files (*.bot.yaml) and folders; prints the problems found.
                     --format human|json|sarif|github   output format (default: human)
                     --max-warnings N                   fail when there are more than N warnings
                     --no-color                         plain output
  graph [path]       The dialog graph of a bot (its folder or one of its files), e.g. for a pull request.
                     --format svg|dot|mermaid|json      output format (default: svg)
                     --flow NAME                        only this flow (repeat for more)
                     --locale LOCALE                    messages in this language (default: the bot's default)
  chat [bot]         Talk to a bot in the terminal; reads your lines from stdin (so it can be scripted).
                     --locale xx  --explain  --seed N  --channel id  --start node  --today YYYY-MM-DD

Exit codes: 0 no errors, 1 errors found (or too many warnings), 2 usage error.
`;

export class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  if (command === 'check') return runCheck(rest, process.stdout, process.stderr);
  if (command === 'chat') return runChat(rest, process.stdin, process.stdout, process.stderr);
  if (command === 'graph') return runGraph(rest, process.stdout, process.stderr);
  throw new UsageError(`unknown command \`${command}\`. Run \`botmaster --help\` for the commands.`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as Error).name === 'UsageError') {
      process.stderr.write(`botmaster: ${(error as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`botmaster: internal error: ${(error as Error).stack ?? error}\n`);
      process.exitCode = 3;
    }
  },
);
