/**
 * The simulator's custom LSP requests (protocol.ts), answered from the language service's workspace. A request the
 * simulator cannot answer gets an error with a plain-words message and `data: { kind }` (SimulatorErrorData); anything
 * else that throws is logged and answered as an internal error, never taking the server down.
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
  const answer =
    <P, R>(run: (params: P) => R) =>
    (params: P): R | ResponseError<SimulatorErrorData | undefined> => {
      onRequest();
      try {
        return run(params);
      } catch (e) {
        if (e instanceof SimulatorError) return new ResponseError<SimulatorErrorData>(ErrorCodes.InvalidParams, e.message, { kind: e.kind });
        connection.console.error(`Botmaster simulator: ${(e as Error).stack ?? e}`);
        return new ResponseError(ErrorCodes.InternalError, `The simulator failed: ${(e as Error).message}`);
      }
    };
  connection.onRequest(SIMULATOR_START, answer((p: SimulatorStartParams) => simulator.start(p)));
  connection.onRequest(SIMULATOR_SEND, answer((p: SimulatorSendParams) => simulator.send(p)));
  connection.onRequest(SIMULATOR_UNDO, answer((p: SimulatorSessionParams) => simulator.undo(p)));
  connection.onRequest(SIMULATOR_RESTART, answer((p: SimulatorRestartParams) => simulator.restart(p)));
  connection.onRequest(SIMULATOR_CLOSE, answer((p: SimulatorSessionParams) => simulator.close(p)));
  return simulator;
}
