/** Which files are dialog files. */
export const DIALOG_FILE = /\.bot\.ya?ml$/i;

export function isDialogFile(pathOrUri: string): boolean {
  return DIALOG_FILE.test(pathOrUri);
}
