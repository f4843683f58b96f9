// bnflow-cli bench: staged against fused backward, measured on this machine.
#include "cli.h"

#include <files/atomic_write.h>
#include <core/io/json_format.h>
#include <core/io/text_stream.h>
#include <core/math/bandwidth.h>
#include <core/math/timing.h>

#include <unistd.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace bnflow::cli {

const CommandSpec kBenchSpec{
    "bench", "[--layer NAME] [--shapes NxD,...] [--dtype f32|f64|both] [--variants staged,fused]\n"
             "                        [--min-time-ms T] [--json | --csv FILE]",
    "time the staged and fused backward passes",
    R"(Times the staged and the fused backward pass (for layer norm and RMSNorm: the fused kernel) on
seeded random inputs, single-threaded, into reused buffers. Each kernel gets the layout it
takes: batch norm's inputs column-major, layer norm's and RMSNorm's row-major. Each sample
batches enough calls to last about 1 ms; after a warm-up, samples are taken for at least T ms
(and at least 5). Times are per call, in microseconds.
The run is bounded: a measurement stops sampling after max(T, 1 s) once it has a sample,
so it lasts at most two warm-up calls, max(T, 1 s) and one more call; the inputs of a shape
are drawn once. Each row also gives the bytes a call must move, s (3 N D + 4 D) with s = 4 or 8
(x, dout read, dx written; gamma read, dgamma, dbeta written, D-sized state), and the GB/s that
makes at the min time; the run ends by measuring one core's STREAM copy rate over two arrays of
4 x the last-level cache (at least 64 MiB), the yardstick for those GB/s ("stream_gbps").
A shape has at most 2^24 entries; the largest, 1x16777216, takes about
12 s for both dtypes and variants on a 2-core test machine (its setup, not its calls,
dominates).
)",
    {{"layer", "NAME", "batchnorm (default), layernorm or rmsnorm; the last two time their fused\nkernels only (--variants fused)"},
     {"shapes", "NxD,...", "comma-separated N x D shapes\n(default 4x3,64x64,256x256,1024x1024,4096x1024,16384x256)"},
     {"dtype", "T", "f32, f64 or both (default both)"},
     {"variants", "V,...", "staged, fused or both, comma-separated (default staged,fused)"},
     {"min-time-ms", "T", "sampling time per measurement (default 250)"},
     {"json", "", "print {\"results\": [...]} instead of a table"},
     {"csv", "FILE", "also write the results to FILE as CSV (written whole or not at all)"}}};

namespace {

constexpr Eigen::Index kMaxElements = Eigen::Index(1) << 24;

struct Shape {
    Eigen::Index rows;
    Eigen::Index cols;
};

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, separator);)
        parts.push_back(part);
    if (!text.empty() && text.back() == separator)
        parts.emplace_back();
    return parts;
}

std::vector<Shape> parseShapes(const std::string& text)
{
    std::vector<Shape> shapes;
    for (const std::string& item : split(text, ',')) {
        const auto x = item.find('x');
        if (x == std::string::npos || item.find('x', x + 1) != std::string::npos)
            throw UsageError{"--shapes expects NxD items such as 64x64, got '" + clipped(item) + "'"};
        const Shape shape{parseCount("--shapes", item.substr(0, x)),
                          parseCount("--shapes", item.substr(x + 1))};
        if (shape.rows > kMaxElements / shape.cols)
            throw UsageError{"--shapes: " + clipped(item) + " is too large; at most " +
                             std::to_string(kMaxElements) + " elements"};
        shapes.push_back(shape);
    }
    if (shapes.empty())
        throw UsageError{"--shapes is empty"};
    return shapes;
}

std::vector<Dtype> parseDtypes(const std::string& text)
{
    if (text == "f32") return {Dtype::F32};
    if (text == "f64") return {Dtype::F64};
    if (text == "both") return {Dtype::F64, Dtype::F32};
    throw UsageError{"--dtype expects f32, f64 or both, got '" + clipped(text) + "'"};
}

std::vector<Variant> parseVariants(const std::string& text)
{
    std::vector<Variant> variants;
    for (const std::string& item : split(text, ',')) {
        Variant v;
        if (item == "staged") v = Variant::Staged;
        else if (item == "fused") v = Variant::Fused;
        else throw UsageError{"--variants expects staged and/or fused, got '" + clipped(item) + "'"};
        if (std::find(variants.begin(), variants.end(), v) == variants.end())
            variants.push_back(v);
    }
    if (variants.empty())
        throw UsageError{"--variants is empty; expected staged and/or fused"};
    return variants;
}

struct Row {
    Layer layer;
    Shape shape;
    Dtype dtype;
    Variant variant;
    TimingResult timing;
};

std::string fixed(double value, int decimals)
{
    TextStream s;
    s << std::fixed << std::setprecision(decimals) << value;
    return s.str();
}

// The bytes one call moves at least (bandwidth.h) and the rate that makes at the fastest call.
std::int64_t rowBytes(const Row& r)
{
    return backwardBytes(r.dtype, r.shape.rows, r.shape.cols);
}

double rowGbps(const Row& r)
{
    return gigabytesPerSecond(rowBytes(r), r.timing.minUs * 1e-6);
}

std::string table(const std::vector<Row>& rows, double minTimeMs, const CopyBandwidth& copy)
{
    TextStream out;
    out << "bnflow-cli bench (" << (rows.empty() ? "batch norm" : layerTitle(rows.front().layer)) << ") on "
        << machineDescription() << ", single thread, " << minTimeMs
        << " ms of samples per row; times per call in microseconds\n"
        << "GB/s: the bytes a call must move, s (3 N D + 4 D), over the min time; one core's copy "
           "bandwidth (STREAM copy, 2 x "
        << (copy.arrayBytes >> 20) << " MiB) is " << fixed(copy.gbps, 1) << " GB/s\n\n";
    out << std::left << std::setw(12) << "shape" << std::setw(6) << "dtype" << std::setw(8)
        << "variant" << std::right << std::setw(12) << "min" << std::setw(12) << "p25"
        << std::setw(12) << "median" << std::setw(12) << "p75" << std::setw(9) << "samples"
        << std::setw(8) << "GB/s" << "  staged/fused (median, min)\n";
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const Row& r = rows[k];
        const TimingResult& t = r.timing;
        const std::string shape = std::to_string(r.shape.rows) + "x" + std::to_string(r.shape.cols);
        const int decimals = t.medianUs < 10 ? 3 : 1;
        out << std::left << std::setw(12) << shape << std::setw(6) << dtypeName(r.dtype)
            << std::setw(8) << variantName(r.variant) << std::right << std::setw(12)
            << fixed(t.minUs, decimals) << std::setw(12) << fixed(t.p25Us, decimals)
            << std::setw(12) << fixed(t.medianUs, decimals) << std::setw(12)
            << fixed(t.p75Us, decimals) << std::setw(9) << t.samples << std::setw(8)
            << fixed(rowGbps(r), 2);
        // The ratio goes on the fused row when the staged row of the same case came just before.
        if (k > 0 && r.variant == Variant::Fused && rows[k - 1].variant == Variant::Staged) {
            const TimingResult& staged = rows[k - 1].timing;
            out << "  " << fixed(staged.medianUs / t.medianUs, 2) << "x, "
                << fixed(staged.minUs / t.minUs, 2) << "x";
        }
        out << "\n";
    }
    return out.str();
}

std::string jsonResults(const std::vector<Row>& rows, const CopyBandwidth& copy)
{
    TextStream out;
    out << "{\"stream_gbps\": " << json::number(copy.gbps) << ", \"stream_array_bytes\": "
        << copy.arrayBytes << ", \"results\": [";
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const Row& r = rows[k];
        const TimingResult& t = r.timing;
        out << (k ? ",\n  " : "\n  ") << "{\"shape\": [" << r.shape.rows << ", " << r.shape.cols
            << "], \"dtype\": \"" << dtypeName(r.dtype) << "\", \"variant\": \""
            << variantName(r.variant) << "\", \"min_us\": " << json::number(t.minUs)
            << ", \"median_us\": " << json::number(t.medianUs) << ", \"p25_us\": "
            << json::number(t.p25Us) << ", \"p75_us\": " << json::number(t.p75Us)
            << ", \"samples\": " << t.samples << ", \"calls_per_sample\": " << t.callsPerSample
            << ", \"layer\": \"" << layerName(r.layer) << "\", \"bytes\": " << rowBytes(r)
            << ", \"gbps\": " << json::number(rowGbps(r)) << "}";
    }
    out << "\n]}\n";
    return out.str();
}

std::string csvResults(const std::vector<Row>& rows)
{
    TextStream out;
    out << "n,d,dtype,variant,min_us,p25_us,median_us,p75_us,samples,calls_per_sample,layer,bytes,gbps\n";
    for (const Row& r : rows) {
        const TimingResult& t = r.timing;
        out << r.shape.rows << "," << r.shape.cols << "," << dtypeName(r.dtype) << ","
            << variantName(r.variant) << "," << json::number(t.minUs) << ","
            << json::number(t.p25Us) << "," << json::number(t.medianUs) << ","
            << json::number(t.p75Us) << "," << t.samples << "," << t.callsPerSample << ","
            << layerName(r.layer) << "," << rowBytes(r) << "," << json::number(rowGbps(r)) << "\n";
    }
    return out.str();
}

}  // namespace

Output benchCommand(const ParsedArgs& parsed)
{
    if (!parsed.positional.empty())
        throw UsageError{"unexpected argument '" + clipped(parsed.positional.front()) + "'"};
    if (parsed.has("--json") && parsed.has("--csv"))
        throw UsageError{"--json and --csv cannot be used together"};
    const auto shapes = parseShapes(
        parsed.value("--shapes").value_or("4x3,64x64,256x256,1024x1024,4096x1024,16384x256"));
    const auto dtypes = parseDtypes(parsed.value("--dtype").value_or("both"));
    const std::string layerText = parsed.value("--layer").value_or("batchnorm");
    const auto layer = parseLayer(layerText);
    if (!layer || *layer == Layer::GroupNorm)
        throw UsageError{"--layer expects batchnorm, layernorm or rmsnorm, got '" + clipped(layerText) + "'"};
    const auto variants =
        parseVariants(parsed.value("--variants").value_or(*layer == Layer::BatchNorm ? "staged,fused" : "fused"));
    if (*layer != Layer::BatchNorm && std::find(variants.begin(), variants.end(), Variant::Staged) != variants.end())
        throw UsageError{"--variants staged is timed for batchnorm only; " + layerText + " times its fused kernel"};
    double minTimeMs = 250;
    if (const auto text = parsed.value("--min-time-ms")) {
        minTimeMs = parseNumber("--min-time-ms", *text);
        if (minTimeMs < 0 || minTimeMs > 600000)
            throw UsageError{"--min-time-ms must be between 0 and 600000, got " + clipped(*text)};
    }

    if (const auto csvPath = parsed.value("--csv")) {  // fail before a long measurement, not after
        const QString problem = files::checkWritable(QString::fromStdString(*csvPath));
        if (!problem.isEmpty())
            throw BadInput{problem.toStdString()};
    }

    const bool progress = isatty(STDERR_FILENO);
    std::vector<Row> rows;
    for (const Shape& shape : shapes) {
        // Drawn once for every dtype and variant of the shape (they cost more than the calls).
        TimingInputs inputs;
        try {
            inputs = timingInputs(shape.rows, shape.cols);
        } catch (const std::bad_alloc&) {
            throw Failed{"not enough memory for the inputs of " + std::to_string(shape.rows) + "x" +
                         std::to_string(shape.cols)};
        }
        for (const Dtype dtype : dtypes) {
            for (const Variant variant : variants) {
                if (progress)
                    std::cerr << "\rmeasuring " << shape.rows << "x" << shape.cols << " "
                              << dtypeName(dtype) << " " << variantName(variant) << "...   "
                              << std::flush;
                TimingSettings settings;
                settings.rows = shape.rows;
                settings.cols = shape.cols;
                settings.dtype = dtype;
                settings.variant = variant;
                settings.layer = *layer;
                settings.minTimeSeconds = minTimeMs / 1000.0;
                TimingResult timing = timeBackward(settings, inputs);
                if (timing.status != TimingResult::Status::Ok)
                    throw std::runtime_error(timing.error);
                rows.push_back({*layer, shape, dtype, variant, timing});
            }
        }
    }
    // The yardstick, in the same run: one core's copy rate through memory.
    if (progress)
        std::cerr << "\rmeasuring the copy bandwidth...   " << std::string(16, ' ') << std::flush;
    CopyBandwidth copy;
    try {
        copy = measureCopyBandwidth(std::clamp(minTimeMs / 1000.0, 0.05, 0.5));
    } catch (const std::bad_alloc&) {
        throw Failed{"not enough memory for the copy-bandwidth arrays (2 x " +
                     std::to_string(copyArrayBytes() >> 20) + " MiB)"};
    }
    if (progress)
        std::cerr << "\r" << std::string(48, ' ') << "\r" << std::flush;

    QString error;
    if (const auto csvPath = parsed.value("--csv"))
        if (!files::writeFileAtomically(QString::fromStdString(*csvPath),
                                        QByteArray::fromStdString(csvResults(rows)), &error))
            throw Failed{error.toStdString()};
    return parsed.has("--json") ? jsonResults(rows, copy) : table(rows, minTimeMs, copy);
}

}  // namespace bnflow::cli

namespace bnflow::cli {

std::vector<std::pair<Eigen::Index, Eigen::Index>> parseShapeList(const std::string& text)
{
    std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
    for (const Shape& shape : parseShapes(text))
        shapes.emplace_back(shape.rows, shape.cols);
    return shapes;
}

std::vector<Dtype> parseDtypeList(const std::string& text)
{
    return parseDtypes(text);
}

}  // namespace bnflow::cli
