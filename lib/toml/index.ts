/**
 * `volt-manifest/toml`: a zero-dependency TOML 1.0/1.1 engine.
 */
export {
  parse,
  parseLocated,
  parseLocatedRecovering,
  parseStream,
  type RecoveringParse,
  type TomlTable,
} from './parse.js';
export { DEFAULT_MAX_DEPTH, type ParseOptions } from './options.js';
export { stringify, type StringifyOptions } from './stringify.js';
export { EditableDocument, patch, type EditPath } from './edit.js';
export {
  LocatedDocument,
  type LocatedArray,
  type LocatedEntry,
  type LocatedScalar,
  type LocatedTable,
  type LocatedValue,
  type ScalarType,
  type Span,
  type TableOrigin,
  type ValueType,
  stringCharSpan,
} from './located.js';
export { TomlError, LineIndex, type Position, type TomlErrorCode } from './errors.js';
export {
  LocalDate,
  LocalDateTime,
  LocalTime,
  OffsetDateTime,
  type TomlDateTime,
} from './datetime.js';
export { Lexer, NEED_MORE, tokenize, type LexToken, type LexerOptions } from '../../lexer/lexer.js';
export { TokenKind, tokenKindName } from '../../lexer/tokens.js';
