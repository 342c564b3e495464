import { EngineBridge } from './lib/EngineBridge';
import { StoreBridge } from './lib/StoreBridge';

/** The page's one store worker (download, verify, store; device probe). */
export const storeBridge = new StoreBridge();

/** The page's one engine worker (web-llm or wllama, one model at a time). */
export const engineBridge = new EngineBridge();
