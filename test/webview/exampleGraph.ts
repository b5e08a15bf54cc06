/** The graph model of an example bot, as the language service computes it (shared by the unit and webview tests). */
import * as path from 'node:path';
import { createLanguageService } from '../../server/src/service';
import { getGraph } from '../../server/src/service/graph';
import type { GraphModel } from '../../server/src/service/graph';
import { fileUri, findDialogFiles, readText } from '../../server/src/host/files';

export const ROOT = path.resolve(__dirname, '../../..');

export function exampleGraph(name: string, root = path.join(ROOT, 'examples', name)): GraphModel {
  const service = createLanguageService();
  const files = findDialogFiles(root);
  for (const file of files) service.setFile(fileUri(file), readText(file).text);
  return getGraph(service.workspace, fileUri(files[0]))!;
}
