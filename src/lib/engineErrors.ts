import type { EngineError } from '../../workers/shared/engineErrors';
import { formatBytes } from './format';

/** An engine error in plain words, with what the user can do. */
export function explainEngineError(error: EngineError): { title: string; detail: string } {
  switch (error.name) {
    case 'WebGPUUnavailableError':
      return { title: 'WebGPU is not available', detail: 'This browser or device does not offer WebGPU, which this build needs. Choose a CPU (GGUF) build: it runs everywhere, more slowly.' };
    case 'ShaderF16MissingError':
      return { title: 'This GPU cannot run 16-bit builds', detail: 'The q4f16_1 build needs the WebGPU feature "shader-f16", which this GPU or browser does not offer. Choose the q4f32_1 build of the same model, or a CPU (GGUF) build.' };
    case 'DeviceLostError':
      return { title: 'The GPU stopped responding', detail: 'The graphics device was lost (often from running out of memory). The conversation is kept; load the model again, or choose a smaller one.' };
    case 'OutOfMemoryError':
      return { title: 'Not enough memory for this model', detail: 'The device ran out of memory loading or running it. Close other tabs, or choose a smaller model (1B instead of 3B).' };
    case 'TooLargeForDeviceError':
      return {
        title: 'Too large for this GPU',
        detail: error.neededBytes && error.limitBytes
          ? `This build needs a single GPU buffer of ${formatBytes(error.neededBytes)}, but this GPU allows at most ${formatBytes(error.limitBytes)} (many phones allow 128–256 MB). Nothing was lost: choose a build that runs on the CPU, or a smaller model.`
          : 'This build needs larger GPU buffers than this device allows. Nothing was lost: choose a build that runs on the CPU, or a smaller model.',
      };
    case 'ModelLibraryError':
      return { title: 'The model library could not be loaded', detail: 'The compiled WebGPU library for this model failed to start in this browser. Try the CPU (GGUF) build of the same model.' };
    case 'ContextOverflowError':
      return {
        title: 'Too long for the model',
        detail: error.neededTokens
          ? `This message needs about ${error.neededTokens} tokens with room for the reply, but the model reads at most ${error.windowTokens}. Shorten it, or lower "max new tokens".`
          : 'The conversation is longer than the model can read at once. Shorten the message, or lower "max new tokens".',
      };
    case 'ModelNotReadyError':
      if (!error.badFiles?.length) return { title: 'This model is no longer on this device', detail: 'It was deleted (perhaps in another tab) while it was loading. Download it again from Models to chat with it.' };
      return { title: 'Some model files are missing or damaged', detail: `They were dropped and will be downloaded again, alone${error.badFiles?.length ? `: ${error.badFiles.join(', ')}` : ''}.` };
    case 'EngineError':
      // The engine's own message is for developers (it is logged), not for the screen.
      return { title: 'The engine stopped with an unexpected error', detail: 'The conversation is kept. Load the model again; if it keeps failing, try another build of the model.' };
  }
}
