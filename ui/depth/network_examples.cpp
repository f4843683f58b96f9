#include <depth/network_examples.h>

#include <document/examples.h>

#include <QFile>
#include <QObject>

#include <stdexcept>

namespace bnflow::ui {

const std::vector<NetworkExample>& networkExamples()
{
    static const std::vector<NetworkExample> list = [] {
        initResources();  // the networks are compiled into the examples' resources
        const std::pair<QString, const char*> items[] = {
            {QObject::tr("tanh, no norm, gain 0.5 (activations collapse)"), "tanh_gain0.5"},
            {QObject::tr("tanh, no norm, gain 1 (activations shrink)"), "tanh_gain1"},
            {QObject::tr("tanh, no norm, gain 5/3 (Kaiming)"), "tanh_kaiming"},
            {QObject::tr("tanh, no norm, gain 3 (saturated)"), "tanh_gain3"},
            {QObject::tr("tanh, batch norm, gain 0.5"), "tanh_batchnorm_gain0.5"},
            {QObject::tr("tanh, batch norm, gain 5/3"), "tanh_batchnorm"},
            {QObject::tr("tanh, batch norm, gain 3"), "tanh_batchnorm_gain3"},
            {QObject::tr("tanh, layer norm, gain 5/3"), "tanh_layernorm"},
            {QObject::tr("tanh, RMSNorm, gain 5/3"), "tanh_rmsnorm"},
        };
        std::vector<NetworkExample> examples;
        for (const auto& [title, name] : items) {
            const QString path = QStringLiteral(":/examples/networks/%1.bnflow-net.json").arg(QLatin1String(name));
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                throw std::runtime_error("missing resource " + path.toStdString());
            const QByteArray text = file.readAll();
            NetworkFileLoad load = parseNetworkFile(std::string_view(text.constData(), std::size_t(text.size())));
            if (!load.ok())
                throw std::runtime_error(path.toStdString() + ": " + formatProblem(load.problems.front()));
            examples.push_back({title, path, std::move(*load.file)});
        }
        return examples;
    }();
    return list;
}

}  // namespace bnflow::ui
