import { GatewayError } from '../../core/errors.js';
import type { OperationTranslator } from '../translator.js';

// The two ways a translation fails: the client asked for what the provider cannot do, or the
// provider answered with what the gateway cannot read.

/** The refusal of a request field the provider cannot honour, naming the field (`param`) at fault. */
export function unsupported(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_parameter', message, { param });
}

/**
 * A 2xx answer that is not the shape the provider documents: the gateway cannot translate it,
 * and saying so beats inventing an answer.
 */
export function malformedAnswer(message: string): GatewayError {
  return new GatewayError('upstream_invalid_response', message);
}

/**
 * The operation, with a response translation whose only failure is a GatewayError. The
 * translation checks what a provider's answer may plausibly get wrong; should an answer break
 * it some other way (a field of a type nobody foresaw), that is still the provider's answer
 * being unreadable, reported as such, never an internal error of the gateway.
 */
export function guardAnswers(operation: OperationTranslator, provider: string): OperationTranslator {
  return {
    ...operation,
    response: (body, ctx) => {
      try {
        return operation.response(body, ctx);
      } catch (err) {
        if (err instanceof GatewayError) throw err;
        throw new GatewayError('upstream_invalid_response', `${provider}'s answer could not be read`, { cause: err });
      }
    },
  };
}

/**
 * One step of a stream translation (a push or the end). A provider stream that breaks the
 * translation in a way its checks did not foresee (or the SSE reader's size limit) ends the
 * client's stream with an error event, as an error the provider reported would: an exception
 * here would leave the client with a stream that stops without a word.
 */
export function guardedStep(step: () => string, onFault: () => string): string {
  try {
    return step();
  } catch {
    return onFault();
  }
}
