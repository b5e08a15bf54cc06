/**
 * The dialog engine: runs a bot's conversations. Pure: no I/O, no vscode, no LSP; used by the simulator, the CLI
 * (`botmaster chat`) and conversation tests.
 *
 *   const program = compileBot(service.workspace, manifestUri);   // once per version of the bot
 *   const matcher = trainMatcher(program);                          // intent models, one per language
 *   const conversation = startConversation(program, matcher, { locale: 'fr', seed: 1 });
 *   conversation.opening.messages; conversation.send('où est ma commande ?'); conversation.send({ quickReply: 0 });
 */
export { compileBot, DEFAULT_RETRIES, DEFAULT_THRESHOLD } from './program';
export type { BotProgram, NodeSpec, SlotType, Target, Value } from './program';
export { trainMatcher, trainMatcherInSteps } from './matcher';
export type { IntentScore, Matcher } from './matcher';
export { IntentModel } from './model';
export type { TrainingExample, TrainingOptions } from './model';
export { runSteps } from './steps';
export type { Steps } from './steps';
export { Conversation, MAX_STEPS, startConversation } from './conversation';
export type { BotMessage, ConversationOptions, Turn, UserInput } from './conversation';
export { EntityRecognizer, plainExample } from './entities';
export type { EntityMatch } from './entities';
export { readValue } from './builtins';
export { matchPatterns, PATTERN_TIME_LIMIT_MS } from './patterns';
export { evaluateCondition } from './evaluate';
