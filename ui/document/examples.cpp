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
        return items;
    }();
    return list;
}

}  // namespace bnflow::ui
