import type { Command } from 'commander';

/** `regulars import members FILE` — registered by the import module. */
export function registerImportCommands(program: Command): void {
  void program;
}
