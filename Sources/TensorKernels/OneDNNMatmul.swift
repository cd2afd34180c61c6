import CDNNL

/// The oneDNN objects behind bf16 products (`BF16Matrix`): the process's CPU engine, one stream per
/// thread, matmul primitives, and weights reordered into the layout a primitive reads.
enum OneDNN {
    /// Made once and shared by every thread (oneDNN's engines are thread-safe).
    static let engine = OneDNNEngine()

    /// The best instruction set oneDNN uses on this CPU (the environment's `ONEDNN_MAX_CPU_ISA` can lower it).
    static var isa: dnnl_cpu_isa_t { dnnl_get_effective_cpu_isa() }

    /// Whether `isa` includes every instruction set of `needed` (oneDNN's ISA values are bit sets).
    static func includes(_ isa: dnnl_cpu_isa_t, _ needed: dnnl_cpu_isa_t) -> Bool { isa.rawValue & needed.rawValue == needed.rawValue }

    static func name(_ isa: dnnl_cpu_isa_t) -> String {
        let names: [(dnnl_cpu_isa_t, String)] = [
            (dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"), (dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"),
            (dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"), (dnnl_cpu_isa_avx512_core, "avx512_core"),
            (dnnl_cpu_isa_avx2_vnni, "avx2_vnni"), (dnnl_cpu_isa_avx2, "avx2"), (dnnl_cpu_isa_avx, "avx"),
            (dnnl_cpu_isa_sse41, "sse41"),
        ]
        return names.first { $0.0 == isa }?.1 ?? "ISA 0x\(String(isa.rawValue, radix: 16))"
    }

    static func check(_ status: dnnl_status_t, _ call: String, shape: String) throws(ReducedPrecisionError) {
        guard status == dnnl_success else { throw .oneDNN(call: call, status: Int32(status.rawValue), shape: shape) }
    }

    /// A row-major `[rows, columns]` descriptor with row stride `ld`.
    static func matrix(rows: Int, columns: Int, ld: Int, type: dnnl_data_type_t) -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        let status = dnnl_memory_desc_init_by_strides(&descriptor, 2, [Int64(rows), Int64(columns)], type, [Int64(ld), 1])
        precondition(status == dnnl_success, "dnnl_memory_desc_init_by_strides failed (status \(status.rawValue)) for [\(rows), \(columns)] ld \(ld)")
        return descriptor
    }

    /// A bf16 `[rows, columns]` descriptor whose layout the primitive chooses (`dnnl_format_tag_any`).
    static func anyLayout(rows: Int, columns: Int) -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        let status = dnnl_memory_desc_init_by_tag(&descriptor, 2, [Int64(rows), Int64(columns)], dnnl_bf16, dnnl_format_tag_any)
        precondition(status == dnnl_success, "dnnl_memory_desc_init_by_tag failed (status \(status.rawValue)) for [\(rows), \(columns)]")
        return descriptor
    }

    /// Runs `primitive` on `stream` with each argument's memory made over the caller's buffer, and waits.
    static func execute(_ primitive: dnnl_primitive_t, on stream: OneDNNStream,
                        _ arguments: [(argument: Int32, layout: dnnl_memory_desc_t, buffer: UnsafeMutableRawPointer)]) -> dnnl_status_t {
        var handles: [dnnl_exec_arg_t] = []
        defer { for handle in handles { dnnl_memory_destroy(handle.memory) } }
        for (argument, layout, buffer) in arguments {
            var memory: dnnl_memory_t?, descriptor = layout
            let status = dnnl_memory_create(&memory, &descriptor, engine.handle, buffer)
            guard status == dnnl_success else { return status }
            handles.append(dnnl_exec_arg_t(arg: argument, memory: memory))
        }
        let status = dnnl_primitive_execute(primitive, stream.handle, Int32(handles.count), handles)
        guard status == dnnl_success else { return status }
        return dnnl_stream_wait(stream.handle)
    }
}

/// The CPU engine. Making it also turns oneDNN's primitive cache off: `BF16Matrix` keeps the primitives it
/// uses, so the cache held only second copies, and those of every shortlist's shapes long gone (about
/// 19 MB more peak memory over test_2016_flickr with `--shortlist`, and no faster). No other product of
/// this program is a primitive (sgemm and the int8 GEMM are not).
final class OneDNNEngine: @unchecked Sendable {
    let handle: dnnl_engine_t

    init() {
        _ = dnnl_set_primitive_cache_capacity(0)
        var made: dnnl_engine_t?
        let status = dnnl_engine_create(&made, dnnl_cpu, 0)
        guard status == dnnl_success, let made else { preconditionFailure("dnnl_engine_create failed (status \(status.rawValue))") }
        handle = made
    }
}

/// A oneDNN stream: products on one thread run on its own stream.
final class OneDNNStream {
    let handle: dnnl_stream_t

    init() {
        var made: dnnl_stream_t?
        let status = dnnl_stream_create(&made, OneDNN.engine.handle, dnnl_stream_default_flags.rawValue)
        guard status == dnnl_success, let made else { preconditionFailure("dnnl_stream_create failed (status \(status.rawValue))") }
        handle = made
    }

    deinit { dnnl_stream_destroy(handle) }
}

/// One matmul primitive for a fixed shape: dst `[M, N]` f32 (leading dimension ldc) += src `[M, K]` bf16
/// (contiguous) · weights `[K, N]` bf16, the sum post-op making it accumulate. Its scratchpad is the
/// caller's (`dnnl_scratchpad_mode_user`), so threads with their own scratch can run it at once.
final class MatmulPrimitive: @unchecked Sendable {
    /// The layout it reads the weights in.
    let weights: dnnl_memory_desc_t
    private let source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t, scratchpad: dnnl_memory_desc_t
    private let scratchpadBytes: Int
    private let primitive: dnnl_primitive_t, descriptor: dnnl_primitive_desc_t

    /// - Parameter layout: the weights' layout; nil lets oneDNN choose the one it runs fastest from.
    init(m: Int, k: Int, n: Int, ldc: Int, weights layout: dnnl_memory_desc_t?) throws(ReducedPrecisionError) {
        let shape = "[\(k), \(n)] at M \(m)"
        var src = OneDNN.matrix(rows: m, columns: k, ld: k, type: dnnl_bf16)
        var dst = OneDNN.matrix(rows: m, columns: n, ld: ldc, type: dnnl_f32)
        var wanted = layout ?? OneDNN.anyLayout(rows: k, columns: n)
        var operation = dnnl_matmul_desc_t()
        try OneDNN.check(dnnl_matmul_desc_init(&operation, &src, &wanted, nil, &dst), "dnnl_matmul_desc_init", shape: shape)
        let attributes = try Self.accumulating(shape: shape)
        defer { dnnl_primitive_attr_destroy(attributes) }
        var made: dnnl_primitive_desc_t?
        try OneDNN.check(dnnl_primitive_desc_create(&made, &operation, attributes, OneDNN.engine.handle, nil),
                         "dnnl_primitive_desc_create (matmul)", shape: shape)
        guard let made else { throw .oneDNN(call: "dnnl_primitive_desc_create (matmul)", status: -1, shape: shape) }
        var prim: dnnl_primitive_t?
        let status = dnnl_primitive_create(&prim, made)
        guard status == dnnl_success, let prim else {
            dnnl_primitive_desc_destroy(made)
            throw .oneDNN(call: "dnnl_primitive_create (matmul)", status: Int32(status.rawValue), shape: shape)
        }
        descriptor = made; primitive = prim; source = src; destination = dst
        weights = dnnl_primitive_desc_query_md(made, dnnl_query_weights_md, 0).pointee
        scratchpad = dnnl_primitive_desc_query_md(made, dnnl_query_scratchpad_md, 0).pointee
        scratchpadBytes = withUnsafePointer(to: scratchpad) { dnnl_memory_desc_get_size($0) }
    }

    deinit { dnnl_primitive_destroy(primitive); dnnl_primitive_desc_destroy(descriptor) }

    /// Attributes for `dst += src · weights` with a caller-owned scratchpad.
    private static func accumulating(shape: String) throws(ReducedPrecisionError) -> dnnl_primitive_attr_t? {
        var attributes: dnnl_primitive_attr_t?, postOps: dnnl_post_ops_t?
        try OneDNN.check(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create", shape: shape)
        try OneDNN.check(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create", shape: shape)
        defer { dnnl_post_ops_destroy(postOps) }
        let statuses = [dnnl_post_ops_append_sum(postOps, 1), dnnl_primitive_attr_set_post_ops(attributes, postOps),
                        dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user)]
        if let failed = statuses.first(where: { $0 != dnnl_success }) {
            dnnl_primitive_attr_destroy(attributes)
            throw .oneDNN(call: "the matmul attributes (sum post-op, user scratchpad)", status: Int32(failed.rawValue), shape: shape)
        }
        return attributes
    }

    /// destination `[M, N]` += source `[M, K]` (bf16) · the weights (bf16, in `weights`' layout).
    func run(source input: UnsafeMutablePointer<UInt16>, weights packed: UnsafeMutableRawPointer,
             destination output: UnsafeMutablePointer<Float>, scratch: ProductScratch) {
        var arguments = [(DNNL_ARG_SRC, source, UnsafeMutableRawPointer(input)), (DNNL_ARG_WEIGHTS, weights, packed),
                         (DNNL_ARG_DST, destination, UnsafeMutableRawPointer(output))]
        if scratchpadBytes > 0 {
            arguments.append((DNNL_ARG_SCRATCHPAD, scratchpad, UnsafeMutableRawPointer(scratch.output(UInt8.self, count: scratchpadBytes))))
        }
        let status = OneDNN.execute(primitive, on: scratch.stream, arguments.map { (argument: $0.0, layout: $0.1, buffer: $0.2) })
        precondition(status == dnnl_success, "the bf16 matmul failed (status \(status.rawValue))")
    }
}

/// bf16 weights `[K, N]` reordered once into the layout a matmul primitive reads (a blocked one:
/// `MatmulPrimitive.weights`).
final class PackedWeights: @unchecked Sendable {
    let layout: dnnl_memory_desc_t
    let storage: UnsafeMutableRawPointer

    /// - Parameter plain: `[rows, columns]` row-major
    init(_ plain: UnsafePointer<UInt16>, rows: Int, columns: Int, layout: dnnl_memory_desc_t) throws(ReducedPrecisionError) {
        let shape = "[\(rows), \(columns)]"
        var from = OneDNN.matrix(rows: rows, columns: columns, ld: columns, type: dnnl_bf16), to = layout
        var reorder: dnnl_primitive_desc_t?, primitive: dnnl_primitive_t?
        try OneDNN.check(dnnl_reorder_primitive_desc_create(&reorder, &from, OneDNN.engine.handle, &to, OneDNN.engine.handle, nil),
                         "dnnl_reorder_primitive_desc_create", shape: shape)
        defer { dnnl_primitive_desc_destroy(reorder) }
        try OneDNN.check(dnnl_primitive_create(&primitive, reorder), "dnnl_primitive_create (reorder)", shape: shape)
        defer { dnnl_primitive_destroy(primitive) }
        guard let primitive else { throw .oneDNN(call: "dnnl_primitive_create (reorder)", status: -1, shape: shape) }
        let bytes = withUnsafePointer(to: layout) { dnnl_memory_desc_get_size($0) }
        let packed = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
        let status = OneDNN.execute(primitive, on: OneDNNStream(), [(DNNL_ARG_FROM, from, UnsafeMutableRawPointer(mutating: plain)),
                                                                    (DNNL_ARG_TO, layout, packed)])
        guard status == dnnl_success else {
            packed.deallocate()
            throw .oneDNN(call: "the weights' reorder", status: Int32(status.rawValue), shape: shape)
        }
        self.layout = layout
        storage = packed
    }

    deinit { storage.deallocate() }
}
