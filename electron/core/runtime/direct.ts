// DirectRuntime: no agent process at all. It sends the replayed history and the new message to
// the upstream recorder with the episode key, and closes any tool loop with "not run" results, so the
// whole pipeline runs (and is tested) without OpenClaw.
import type { ToolCall } from '../../../shared/domain.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { Forwarder } from '../model-client/forward.ts';
import type { ChatAccumulator } from '../model-client/sse.ts';
import { streamChat } from '../model-client/stream-chat.ts';
import { type AgentRuntime, type TurnEmitter, type TurnRequest, type TurnResult } from './types.ts';

export class DirectRuntime implements AgentRuntime {
  readonly kind = 'direct' as const;
  readonly makesEveryCall = true;
  private readonly forwarder: Forwarder;
  private readonly maxSteps: number;

  constructor(forwarder: Forwarder, maxSteps = 8) {
    this.forwarder = forwarder;
    this.maxSteps = maxSteps;
  }

  async run(req: TurnRequest, emitter: TurnEmitter): Promise<TurnResult> {
    const messages: ChatMessage[] = [
      ...req.history.map((m) => ({ role: m.role, content: m.content })),
      { role: 'user', content: req.message },
    ];
    const texts: string[] = [];
    const toolCalls: ToolCall[] = [];
    const events: Array<Record<string, unknown>> = [];
    for (let step = 0; step < this.maxSteps; step++) {
      req.signal?.throwIfAborted();
      // Steps' texts are joined by a newline in the reply; the live stream shows the same.
      let first = true;
      const stepEmitter: TurnEmitter = {
        delta: (t) => {
          if (first && texts.length > 0) emitter.delta('\n');
          first = false;
          emitter.delta(t);
        },
        toolCall: emitter.toolCall,
        // several model calls make one turn here: their raw streams are not one valid stream
      };
      const acc = await this.call(req, messages, stepEmitter);
      if (acc.text) texts.push(acc.text);
      events.push({ type: 'llm_call', step, finish_reason: acc.finishReason, usage: acc.usage });
      const calls = acc.toolCalls;
      if (calls.length === 0) return { text: texts.join('\n'), toolCalls, events };
      messages.push({
        role: 'assistant',
        content: acc.text || null,
        tool_calls: calls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.arguments },
        })),
      });
      for (const c of calls) {
        const call = { ...c, index: toolCalls.length };
        toolCalls.push(call);
        emitter.toolCall(call);
        // the turn's tool_call events (AReaL's shape) are built from the recorded calls by the turn runner
        // DirectRuntime executes no tools: the result says so as a failed tool's would (the turn then
        // shows "tool error"), and the model can still finish its turn
        messages.push({
          role: 'tool',
          tool_call_id: c.id,
          content: JSON.stringify({
            status: 'error',
            tool: c.name,
            error: 'not run: the direct runtime executes no tools',
          }),
        });
      }
    }
    texts.push(`(stopped after ${this.maxSteps} model calls)`);
    return { text: texts.join('\n'), toolCalls, events };
  }

  private call(req: TurnRequest, messages: ChatMessage[], emitter: TurnEmitter): Promise<ChatAccumulator> {
    const body = { model: req.upstream.model, messages, stream: true, stream_options: { include_usage: true } };
    return streamChat(this.forwarder, req.upstream, body, emitter, { signal: req.signal, what: 'the upstream' });
  }

  async closeSession(): Promise<void> {}
  async closeAll(): Promise<void> {}
}
