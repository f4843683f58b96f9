#include <document/examples.h>

#include <core/io/session_json.h>

#include <QFile>

#include <stdexcept>
#include <tuple>

// Q_INIT_RESOURCE cannot be used inside a namespace; the library is static, so its resources
// must be registered explicitly.
static void initExampleResources()
{
    Q_INIT_RESOURCE(examples);
}

namespace bnflow::ui {

void initResources()
{
    static const bool done = (initExampleResources(), true);
    Q_UNUSED(done);
}
namespace {

Session loadResource(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("missing resource " + path.toStdString());
    const QByteArray text = file.readAll();
    SessionLoad load = parseSession(std::string_view(text.constData(), std::size_t(text.size())));
    if (!load.ok())
        throw std::runtime_error(path.toStdString() + ": " + formatProblem(load.problems.front()));
    return std::move(*load.session);
}

}  // namespace

const std::vector<Example>& examples()
{
    static const std::vector<Example> list = [] {
        initResources();
        std::vector<Example> items;
        items.push_back({QObject::tr("Small batch (4 x 3)"), exampleSession()});
        const std::pair<QString, QString> files[] = {
            {QObject::tr("CS231n offset data (5 randn + 12)"), QStringLiteral(":/examples/cs231n_offset.bnflow.json")},
            {QObject::tr("A constant column"), QStringLiteral(":/examples/constant_column.bnflow.json")},
            {QObject::tr("One sample (N = 1)"), QStringLiteral(":/examples/single_sample.bnflow.json")},
            {QObject::tr("dout = all ones"), QStringLiteral(":/examples/dout_ones.bnflow.json")},
            {QObject::tr("Two samples (the file-format example)"), QStringLiteral(":/examples/contract.bnflow.json")},
            {QObject::tr("float32 cancellation: one-pass vs two-pass variance"), QStringLiteral(":/examples/float32_cancellation.bnflow.json")},
        };
        for (const auto& [title, path] : files)
            items.push_back({title, loadResource(path)});
        const QString family = QObject::tr("Normalization family");
        const QString perSample = QObject::tr("Per sample"), batchNorm = QObject::tr("Batch norm");
        const std::tuple<QString, QString, QString> layers[] = {
            {perSample, QObject::tr("Layer norm"), QStringLiteral("layernorm")},
            {perSample, QObject::tr("RMSNorm"), QStringLiteral("rmsnorm")},
            {perSample, QObject::tr("Group norm (G = 2)"), QStringLiteral("groupnorm")},
            {perSample, QObject::tr("Spatial group norm (C = 4, G = 2)"), QStringLiteral("spatial_groupnorm")},
            {batchNorm, QObject::tr("Batch norm, eval mode"), QStringLiteral("batchnorm_eval")},
            {batchNorm, QObject::tr("Spatial batch norm (C = 2, L = 3)"), QStringLiteral("spatial_batchnorm")},
            {batchNorm, QObject::tr("Running statistics, PyTorch"), QStringLiteral("running_pytorch")},
            {batchNorm, QObject::tr("Running statistics, Keras"), QStringLiteral("running_keras")},
            {batchNorm, QObject::tr("Running statistics, CS231n"), QStringLiteral("running_cs231n")},
        };
        for (const auto& [section, title, file] : layers)
            items.push_back({title, loadResource(QStringLiteral(":/examples/family/%1.bnflow.json").arg(file)),
                             family, section});
        // The published cases of doc/precision.md, each with the lens that shows it.
        const QString lens = QObject::tr("Precision lens");
        const std::tuple<QString, QString, NumberType, std::optional<NumberType>, QString> presets[] = {
            {QObject::tr("dgamma summed in bfloat16 (N = 4096)"), QStringLiteral("dgamma_bf16_accumulate"),
             NumberType::BF16, std::nullopt,
             QObject::tr("Look at dgamma's error (about 1): then sum in float32 and watch it fall to 0.002; the error is born in the mean.")},
            {QObject::tr("RMSNorm at input std 1, float16"), QStringLiteral("rmsnorm_std1"), NumberType::F16, std::nullopt,
             QObject::tr("The baseline for the next preset: every error near float16's rounding, no overflow.")},
            {QObject::tr("RMSNorm at input std 1e-3, float16"), QStringLiteral("rmsnorm_std1e-3"), NumberType::F16, std::nullopt,
             QObject::tr("ms's error is 9 times the std 1 preset's (its squares are subnormal), and dms overflows; bfloat16 shows neither.")},
            {QObject::tr("Large activations: float16 variance overflow"), QStringLiteral("f16_variance_overflow"), NumberType::F16,
             NumberType::F32, QObject::tr("var overflows (each square of x - mean exceeds 65504, even summed in float32); y is then just beta.")},
        };
        for (const auto& [title, file, type, sums, note] : presets) {
            items.push_back({title, loadResource(QStringLiteral(":/examples/precision/%1.bnflow.json").arg(file)), lens, {}});
            items.back().lens = type;
            items.back().accumulate = sums;
            items.back().lookFor = note;
        }
        return items;
    }();
    return list;
}

}  // namespace bnflow::ui
