import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

const program = new Command()
  .name('regulars')
  .description('Regulars (熟客): membership management and precision marketing')
  .showHelpAfterError();
registerCommands(program);
await program.parseAsync(process.argv);
