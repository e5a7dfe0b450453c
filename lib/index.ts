/**
 * rxnet: reactive TCP and UDP services and clients as composable RxJS pipelines.
 * This barrel is the whole public API; everything else under lib/ is internal.
 */

// --- Calc: the calc protocol, its operators, pipeline, server and client (also the `rxnet/calc` entry, lib/calc/index.ts) ---
export * from './calc/index.js';

// --- Errors: match on err.code ---
export {
  RxnetError,
  RxnetInvalidOptionError,
  RxnetTimeoutError,
  RxnetConnectionError,
  RxnetProtocolError,
  RxnetClosedError,
  ERR_RXNET_INVALID_OPTION,
  ERR_RXNET_TIMEOUT,
  ERR_RXNET_CONNECTION,
  ERR_RXNET_PROTOCOL,
  ERR_RXNET_CLOSED,
  isRxnetError,
  isTimeoutError,
  isInvalidOptionError,
  isConnectionError,
  isProtocolError,
  isClosedError,
  isTransientError,
} from './errors.js';
export type { RxnetErrorCode, InvalidOptionInfo, TimeoutInfo, ConnectionInfo, ProtocolInfo, ClosedInfo } from './errors.js';

// --- Framing: bytes to messages, protocol-agnostic ---
export { isOverlong, DEFAULT_MAX_LINE_LENGTH } from './framing/Frame.js';
export type { Frame, OverlongFrame } from './framing/Frame.js';
export { LineDecoder } from './framing/LineDecoder.js';
export { decodeMessage } from './framing/decodeMessage.js';

// --- Operators ---
export { splitLines } from './operators/splitLines.js';
export { splitMessages } from './operators/splitMessages.js';
export { randomDrop } from './operators/randomDrop.js';
export { randomCut } from './operators/randomCut.js';

// --- Transports: the registry of what each one is, and sockets as observables ---
export {
  TRANSPORT_REGISTRY,
  TRANSPORTS,
  STREAM_TRANSPORTS,
  DISCOVERABLE_TRANSPORTS,
  TRANSPORT_KIND_STREAM,
  TRANSPORT_KIND_DATAGRAM,
  ADDRESS_HOST_PORT,
  ADDRESS_PATH,
  isTransport,
  isStreamTransport,
  isDiscoverableTransport,
  type Transport,
  type StreamTransport,
  type DatagramTransport,
  type DiscoverableTransport,
  type TransportKind,
  type AddressForm,
  type TransportTraits,
} from './transport/Transport.js';
export { listenTcp, type ListenTcpOptions } from './transport/listenTcp.js';
export { listenTls, type ListenTlsOptions } from './transport/listenTls.js';
export type { TcpConnection } from './transport/TcpConnection.js';
export { bindUdp, type BindUdpOptions, type Datagram } from './transport/bindUdp.js';
export { formatAddress, formatHostPort, type SocketAddress } from './transport/SocketAddress.js';

// --- Server ---
export { serveTcp, type ServeTcpOptions } from './server/serveTcp.js';
export { serveUdp, type ServeUdpOptions } from './server/serveUdp.js';
export { ServerStats, type ServerStatsSnapshot } from './server/ServerStats.js';
export { FRAMINGS, type Framing } from './server/Framing.js';

// --- Discovery: SSDP announce and discover (HTTP-over-UDP on a multicast group) ---
export { SSDP_GROUP, SSDP_PORT, RXNET_SERVICE_TYPE } from './discovery/SsdpMessage.js';

export {
  formatLocation,
  parseLocation,
  locationOf,
  LOCATION_TRANSPORTS,
  type ServiceLocation,
  type LocationTransport,
} from './discovery/ServiceLocation.js';
export { announce, type AnnounceEvent, type AnnounceHooks } from './discovery/announce.js';
export { discover, type DiscoverHooks } from './discovery/discover.js';
export type { DiscoveredService } from './discovery/DiscoveredService.js';
export type { AnnounceOptions, DiscoverOptions } from './discovery/discoveryOptions.js';

// --- Client: TCP (and TLS, Unix sockets) ---
export { connectTcp, type ConnectTcpOptions } from './transport/connectTcp.js';
export { connectTls, type ConnectTlsOptions } from './transport/connectTls.js';
export { createTcpClient, type TcpClient } from './client/tcpClient.js';
export {
  TCP_CLIENT_DEFAULTS,
  type TcpClientOptions,
  type TcpClientInput,
  type TrustedCertificates,
} from './client/tcpClientOptions.js';
export type { ReconnectOptions } from './client/reconnectDelay.js';
export type { TcpSessionInfo } from './client/TcpSession.js';
export {
  CONNECTION_STATE_IDLE,
  CONNECTION_STATE_CONNECTING,
  CONNECTION_STATE_CONNECTED,
  CONNECTION_STATE_RECONNECTING,
  CONNECTION_STATE_FAILED,
  CONNECTION_STATE_CLOSED,
  type ConnectionState,
} from './client/ConnectionState.js';
export { RECONNECT_DEFAULTS, reconnectBackoff, replacementBackoff } from './client/reconnectDelay.js';

// --- Client: retry policy, UDP ---
export { retryWithBackoff } from './operators/retryWithBackoff.js';
export { RETRY_DEFAULTS, type RetryPolicy } from './operators/retryPolicy.js';
export { backoffDelay, withJitter, type BackoffOptions } from './timing/backoffDelay.js';
export { openUdp, type OpenUdpOptions, type UdpClientSocket } from './transport/openUdp.js';
export { udpRequest, type UdpRequestOptions } from './client/udpRequest.js';

// --- Policies: backoff, circuit breaker, retry budget and throttle, hedging, bulkhead (docs/policies.md) ---
export {
  ERR_RXNET_BROKEN_CIRCUIT,
  ERR_RXNET_BULKHEAD_REJECTED,
  BrokenCircuitError,
  BulkheadRejectedError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  type BrokenCircuitInfo,
  type BulkheadRejectedInfo,
} from './errors.js';
export { backoffOf, type Backoff, type BackoffDelay } from './policies/backoff/Backoff.js';
export { exponentialBackoff, GRPC_CONNECTION_BACKOFF, type ExponentialBackoffOptions } from './policies/backoff/exponentialBackoff.js';
export { constantBackoff } from './policies/backoff/constantBackoff.js';
export { decorrelatedJitterBackoff, type DecorrelatedJitterOptions } from './policies/backoff/decorrelatedJitterBackoff.js';
export { fullJitter, symmetricJitter, proportionalJitter, type Jitter } from './policies/backoff/Jitter.js';
export { backoffRetry, type BackoffRetryOptions } from './policies/backoffRetry.js';
export { replyTimeout, type ReplyTimeoutOptions } from './policies/replyTimeout.js';
export { CIRCUIT_CLOSED, CIRCUIT_OPEN, CIRCUIT_HALF_OPEN, type CircuitState } from './policies/CircuitState.js';
export { circuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from './policies/circuitBreaker.js';
export type { Breaker } from './policies/breakers/Breaker.js';
export { consecutiveBreaker } from './policies/breakers/consecutiveBreaker.js';
export { countBreaker, type CountBreakerOptions } from './policies/breakers/countBreaker.js';
export { samplingBreaker, type SamplingBreakerOptions } from './policies/breakers/samplingBreaker.js';
export type { RetryLimiter } from './policies/RetryLimiter.js';
export { retryBudget, type RetryBudget, type RetryBudgetOptions } from './policies/retryBudget.js';
export { retryThrottle, type RetryThrottle, type RetryThrottleOptions } from './policies/retryThrottle.js';
export { hedge, type HedgeOptions } from './policies/hedge.js';
export { bulkhead, type Bulkhead, type BulkheadOptions } from './policies/bulkhead.js';
// --- Errors: framing (one class, a code for each way bytes fail to be framed) ---
export {
  RxnetFramingError,
  ERR_RXNET_FRAME_TOO_LONG,
  ERR_RXNET_BAD_LENGTH_FIELD,
  ERR_RXNET_FRAME_TRUNCATED,
  ERR_RXNET_UNENCODABLE_FRAME,
  isFramingError,
} from './errors.js';
export type { FramingErrorCode, FramingInfo } from './errors.js';

// --- Framings: pure decoders (push chunks, get frames) and their encoders ---
export { overlong, DEFAULT_MAX_FRAME_LENGTH } from './framing/Frame.js';
export type { FrameDecoder } from './framing/FrameDecoder.js';
export type { FrameSink } from './framing/FrameSink.js';
export {
  FRAMING_NAMES,
  FRAMING_LINE,
  FRAMING_DELIMITER,
  FRAMING_LENGTH_FIELD,
  FRAMING_FIXED_LENGTH,
  FRAMING_CHUNK,
  type FramingName,
} from './framing/FramingName.js';
export { encodeLine } from './framing/encodeLine.js';
export { DelimiterDecoder } from './framing/DelimiterDecoder.js';
export { DELIMITER_DEFAULTS, type DelimiterOptions } from './framing/DelimiterOptions.js';
export { delimiterEncoder } from './framing/delimiterEncoder.js';
export { LengthFieldDecoder } from './framing/LengthFieldDecoder.js';
export { LENGTH_FIELD_DEFAULTS, type LengthFieldOptions } from './framing/LengthFieldOptions.js';
export { lengthFieldEncoder, type LengthFieldEncoderOptions } from './framing/lengthFieldEncoder.js';
export {
  BYTE_ORDER_BIG_ENDIAN,
  BYTE_ORDER_LITTLE_ENDIAN,
  LENGTH_FIELD_LENGTHS,
  type ByteOrder,
  type LengthFieldLength,
} from './framing/LengthField.js';
export { FixedLengthDecoder } from './framing/FixedLengthDecoder.js';
export { fixedLengthEncoder } from './framing/fixedLengthEncoder.js';
export { ChunkDecoder } from './framing/ChunkDecoder.js';
export { encodeChunk } from './framing/encodeChunk.js';

// --- Codecs: a framing as one value, { decode: an RxJS operator, encode } ---
export type { Codec } from './codec/Codec.js';
export { framed } from './codec/framed.js';
export { lineCodec, type LineCodecOptions } from './codec/lineCodec.js';
export { delimiterCodec } from './codec/delimiterCodec.js';
export { lengthFieldCodec, type LengthFieldCodecOptions } from './codec/lengthFieldCodec.js';
export { fixedLengthCodec } from './codec/fixedLengthCodec.js';
export { chunkCodec, type ChunkCodecOptions } from './codec/chunkCodec.js';

// --- Proxy: an impairment proxy with toxiproxy's HTTP API, for TCP and UDP; every toxic an operator ---
export { startProxyServer, type ProxyServerOptions, type RunningProxyServer } from './proxy/startProxyServer.js';
export { ProxyCollection, DEFAULT_LISTEN } from './proxy/ProxyCollection.js';
export { ProxyEntry, type ProxyJson, type ProxyConfig } from './proxy/ProxyEntry.js';
export { ToxicCollection } from './proxy/ToxicCollection.js';
export { TOXIC_TYPES, toxicTypesFor, type ToxicType } from './proxy/toxicTypes.js';
export { toxicLink, DEFAULT_MAX_HELD_BYTES, type ToxicLinkOptions } from './proxy/toxicLink.js';
export { startTcpProxy, TCP_MAX_CONNECTIONS, type ProxyRuntimeOptions, type RunningProxy } from './proxy/tcpProxy.js';
export { startUdpProxy, UDP_IDLE_TIMEOUT_MS, UDP_MAX_MAPPINGS } from './proxy/udpProxy.js';
export { ApiError } from './proxy/ApiError.js';
export {
  STREAM_UPSTREAM,
  STREAM_DOWNSTREAM,
  PROTOCOL_TCP,
  PROTOCOL_UDP,
  type ToxicRecord,
  type ToxicStream,
  type ProxyProtocol,
} from './proxy/ToxicRecord.js';
export type { ToxicEnvironment } from './proxy/toxics/ToxicOptions.js';
export { connectionReset, isConnectionReset } from './proxy/toxics/connectionReset.js';
export { latency, type LatencyOptions } from './proxy/toxics/latency.js';
export { bandwidth, BANDWIDTH_SLICE_MS, type BandwidthOptions } from './proxy/toxics/bandwidth.js';
export { slicer, sliceLengths, type SlicerOptions } from './proxy/toxics/slicer.js';
export { slowClose, type SlowCloseOptions } from './proxy/toxics/slowClose.js';
// Named apart from RxJS's `timeout` and `noop`, which a user imports beside these.
export { timeout as timeoutToxic, type TimeoutOptions } from './proxy/toxics/timeout.js';
export { resetPeer, type ResetPeerOptions } from './proxy/toxics/resetPeer.js';
export { limitData, type LimitDataOptions } from './proxy/toxics/limitData.js';
export { packetLoss, type PacketLossOptions } from './proxy/toxics/packetLoss.js';
export { noop as noopToxic } from './proxy/toxics/noop.js';
export { datagramLatency } from './proxy/toxics/datagramLatency.js';
export { datagramBandwidth } from './proxy/toxics/datagramBandwidth.js';
export { datagramLimitData } from './proxy/toxics/datagramLimitData.js';
export { duplicate, type DuplicateOptions } from './proxy/toxics/duplicate.js';
export { reorder, type ReorderOptions } from './proxy/toxics/reorder.js';
export { corrupt, type CorruptOptions } from './proxy/toxics/corrupt.js';

// --- Observability: wire logging (Reactor Netty's wiretap) ---
export { wiretap, formatWireEntry, WIRETAP_FORMATS, type WiretapFormat, type WireDirection, type WiretapOptions } from './observability/wiretap.js';
export { formatHexdump } from './observability/formatHexdump.js';
export { formatWireText } from './observability/formatWireText.js';
export { counterMetrics, type CounterMetricsOptions, type ServedCounters } from './observability/counterMetrics.js';
export { serveMetrics, type ServeMetricsOptions, type MetricsEndpoint, type MetricsSource } from './observability/serveMetrics.js';
export { latencyHistogram, LATENCY_BUCKETS_SECONDS, type LatencyHistogramOptions, type LatencySource } from './observability/latencyHistogram.js';
export { aggregatedMetrics } from './observability/aggregatedMetrics.js';
export { shareMetricsWithPrimary } from './observability/shareMetricsWithPrimary.js';
export { wireLogger, type WireLogger } from './observability/wireLogger.js';
// Issue 12: the fused fast path (a pipeline's synchronous per-frame step) and the UDP receive buffer.
export { CUT, DROP, FUSED_STEP, fusedStepOf, withFusedStep, type FusedPipeline, type FusedStep, type FusedStepOptions } from './server/fusedStep.js';
export { DEFAULT_RECV_BUFFER_SIZE } from './transport/bindUdp.js';
export { wiretapConnection } from './transport/wiretapConnection.js';
export { wiretapDatagram, type WiretapSettings } from './server/wiretapDatagram.js';
// Issue 13: any protocol on the server and the clients: a codec, the generic request/response client, their errors.
export {
  RxnetOutOfStepError,
  RxnetInvalidRequestError,
  ERR_RXNET_OUT_OF_STEP,
  ERR_RXNET_INVALID_REQUEST,
  UNKNOWN_OPTION_EXPECTED,
  isOutOfStepError,
  isInvalidRequestError,
  syscallCodeOf,
  type OutOfStepInfo,
  type InvalidRequestInfo,
} from './errors.js';
export { createRequestClient } from './client/requestClient.js';
export type { RequestClient } from './client/requestClientOver.js';
export type { RequestClientOptions, ReplyKey } from './client/requestClientOptions.js';
export type { TcpClientWiring, TcpCodecClientInput } from './client/tcpClient.js';
export { codecReplies } from './client/codecReplies.js';
export { lineReplies, DEFAULT_STALL_TIMEOUT, type LineRepliesOptions } from './client/lineReplies.js';
export type { ReplyReader, ReplyContext } from './client/ReplyReader.js';
export { encodeRequestLine } from './client/encodeRequestLine.js';
