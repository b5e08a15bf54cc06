/**
 * The simulator's custom LSP requests (protocol.ts), answered from the language service's workspace. A request the
 * simulator cannot answer gets an error with a plain-words message and `data: { kind }` (SimulatorErrorData); anything
 * else that throws is logged and answered as an internal error, never taking the server down.
 *
 * A request that needs a matcher not trained yet (the first one after the bot's examples changed) first awaits its
 * training in slices (`Simulator.prepare`): the server answers other requests meanwhile. Simulator requests are
 * answered one at a time, in the order they came.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Connection } from 'vscode-languageserver/node';
import type { Workspace } from '../service/workspace';
import { SIMULATOR_CLOSE, SIMULATOR_RESTART, SIMULATOR_SEND, SIMULATOR_START, SIMULATOR_UNDO } from './protocol';
import type { SimulatorErrorData, SimulatorRestartParams, SimulatorSendParams, SimulatorSessionParams, SimulatorStartParams } from './protocol';
import { Simulator, SimulatorError } from './sessions';

/**
 * Registers the requests on the connection. `onRequest` runs first (the server notes that the editor is busy); `ready`
 * says whether the workspace is read (until then a start is answered "not ready").
 */
export function registerSimulator(connection: Connection, workspace: Workspace, onRequest: () => void = () => {}, ready: () => boolean = () => true): Simulator {
  const simulator = new Simulator(workspace, ready);
  // The previous request's answer: each request waits for it, so that a send cannot overtake the one before.
  let previous: Promise<unknown> = Promise.resolve();
  const answer =
    <P extends { uri?: unknown; session?: unknown } | undefined, R>(run: (params: P) => R, train = true) =>
    (params: P): Promise<R | ResponseError<SimulatorErrorData | undefined>> => {
      onRequest();
      const result = previous.then(async (): Promise<R | ResponseError<SimulatorErrorData | undefined>> => {
        try {
          if (train) await simulator.prepare(params);
          return run(params);
        } catch (e) {
          if (e instanceof SimulatorError) return new ResponseError<SimulatorErrorData>(ErrorCodes.InvalidParams, e.message, { kind: e.kind });
          connection.console.error(`Botmaster simulator: ${(e as Error).stack ?? e}`);
          return new ResponseError<SimulatorErrorData | undefined>(ErrorCodes.InternalError, `The simulator failed: ${(e as Error).message}`);
        }
      });
      previous = result;
      return result;
    };
  connection.onRequest(SIMULATOR_START, answer((p: SimulatorStartParams) => simulator.start(p)));
  connection.onRequest(SIMULATOR_SEND, answer((p: SimulatorSendParams) => simulator.send(p)));
  connection.onRequest(SIMULATOR_UNDO, answer((p: SimulatorSessionParams) => simulator.undo(p)));
  connection.onRequest(SIMULATOR_RESTART, answer((p: SimulatorRestartParams) => simulator.restart(p)));
  connection.onRequest(SIMULATOR_CLOSE, answer((p: SimulatorSessionParams) => simulator.close(p), false));
  return simulator;
}
