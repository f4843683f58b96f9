#include <depth/network_document.h>

#include <document/autosave.h>
#include <files/atomic_write.h>

#include <core/io/file_read.h>

#include <QDir>
#include <QFileInfo>
#include <QUndoStack>

#include <cmath>
#include <new>

namespace bnflow::ui {

// An edit, stored as the file before and after: a few hundred bytes, exactly reversible.
class NetworkCommand : public QUndoCommand {
public:
    NetworkCommand(NetworkDocument* document, NetworkFile before, NetworkFile after,
                   const QString& description, QString mergeKey)
        : QUndoCommand(description), document_(document), before_(std::move(before)),
          after_(std::move(after)), mergeKey_(std::move(mergeKey))
    {
    }
    void redo() override { document_->replace(after_); }
    void undo() override { document_->replace(before_); }
    int id() const override { return mergeKey_.isEmpty() ? -1 : 2; }
    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* next = static_cast<const NetworkCommand*>(other);
        if (next->mergeKey_ != mergeKey_)
            return false;
        after_ = next->after_;
        return true;
    }

private:
    NetworkDocument* document_;
    NetworkFile before_, after_;
    QString mergeKey_;
};

namespace {

constexpr int kUndoLimit = 200;

QString firstProblem(const Problems& problems)
{
    return QString::fromStdString(formatProblem(problems.front()));
}

}  // namespace

NetworkFile NetworkDocument::defaultFile()
{
    NetworkFile file;
    file.title = "5 x 100 tanh with batch norm, gain 5/3";
    file.layers = 5;
    file.width = 100;
    file.norm = Layer::BatchNorm;
    file.activation = Activation::Tanh;
    file.data = SeededData{32, 30, 27, 1};
    file.gain = 5.0 / 3.0;
    file.seed = 42;
    return file;
}

NetworkDocument::NetworkDocument(QObject* parent) : QObject(parent), undoStack_(new QUndoStack(this))
{
    undoStack_->setUndoLimit(kUndoLimit);
    connect(undoStack_, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
    QString error;
    auto built = build(defaultFile(), {}, &error);
    install(defaultFile(), std::move(*built));  // the default always builds (a test checks it)
}

bool NetworkDocument::isModified() const
{
    return !undoStack_->isClean();
}

QString NetworkDocument::folder() const
{
    return filePath_.isEmpty() ? QString() : QFileInfo(filePath_).absolutePath();
}

std::optional<NetworkDocument::Built> NetworkDocument::build(const NetworkFile& file, const QString& folder,
                                                              QString* error) const
{
    // Through the file's own text: every range the reader checks is checked for an edit too.
    NetworkFileLoad load = parseNetworkFile(networkFileJson(file));
    if (!load.ok()) {
        *error = firstProblem(load.problems);
        return std::nullopt;
    }
    try {
        NetworkInputsLoad inputs = loadNetworkInputs(*load.file, QFile::encodeName(folder).toStdString());
        if (!inputs.ok()) {
            *error = firstProblem(inputs.problems);
            return std::nullopt;
        }
        Built built{std::move(*inputs.inputs), {}};
        built.pass = depthPass(built.inputs.network, built.inputs.data);
        if (!std::isfinite(built.pass.forward.loss)) {
            *error = tr("the loss is not a finite number (the logits overflow); lower the gain");
            return std::nullopt;
        }
        return built;
    } catch (const std::bad_alloc&) {
        *error = tr("out of memory while building the network");
        return std::nullopt;
    }
}

void NetworkDocument::install(NetworkFile file, Built built)
{
    file_ = std::move(file);
    inputs_ = std::move(built.inputs);
    pass_ = std::move(built.pass);
    recomputeCompare();
    emit changed();
}

void NetworkDocument::recomputeCompare()
{
    compare_.reset();
    compareProblem_.clear();
    HistogramRanges ranges = histogramRanges(inputs_.network, pass_);
    if (comparing_) {
        NetworkFile other = file_;
        other.norm = compareNorm_;
        QString error;
        if (auto built = build(other, folder(), &error)) {
            ranges = unite(ranges, histogramRanges(built->inputs.network, built->pass));
            compare_ = depthPicture(built->inputs.network, built->pass, ranges);
        } else {
            compareProblem_ = tr("Cannot compare with %1: %2")
                                  .arg(compareNorm_ ? QString::fromUtf8(layerTitle(*compareNorm_).data()) : tr("no norm"), error);
        }
    }
    picture_ = depthPicture(inputs_.network, pass_, ranges);
}

void NetworkDocument::setCompare(bool on, std::optional<Layer> norm)
{
    comparing_ = on;
    compareNorm_ = norm;
    recomputeCompare();
    emit changed();
}

std::optional<Session> NetworkDocument::normSession(int k) const
{
    if (!network().shape.norm || k < 0 || k >= network().shape.hidden)
        return std::nullopt;
    return bnflow::normSession(network(), pass_, k);
}

void NetworkDocument::replace(const NetworkFile& file)
{
    if (checked_ && checked_->first == networkFileJson(file)) {
        Built built = std::move(checked_->second);
        checked_.reset();
        install(file, std::move(built));
        return;
    }
    checked_.reset();
    QString error;
    auto built = build(file, folder(), &error);
    if (built)  // always: the command's files were built once before they were pushed
        install(file, std::move(*built));
}

bool NetworkDocument::commit(const QString& description, const NetworkFile& after, const QString& mergeKey)
{
    if (networkFileJson(after) == networkFileJson(file_))
        return false;  // nothing changes: no undo step (a widget set to the value it shows)
    QString error;
    auto built = build(after, folder(), &error);
    if (!built) {
        emit editRefused(tr("%1: refused: %2").arg(description, error));
        return false;
    }
    checked_.emplace(networkFileJson(after), std::move(*built));
    undoStack_->push(new NetworkCommand(this, file_, after, description, mergeKey));
    return true;
}

bool NetworkDocument::reset(const NetworkFile& file, const QString& filePath, QString* error)
{
    const QString where = filePath.isEmpty() ? QString() : QFileInfo(filePath).absolutePath();
    QString problem;
    auto built = build(file, where, &problem);
    if (!built) {
        if (error)
            *error = (filePath.isEmpty() ? QString() : QFileInfo(filePath).fileName() + QStringLiteral(": ")) + problem;
        return false;
    }
    undoStack_->clear();
    undoStack_->setClean();
    if (filePath_ != filePath) {
        filePath_ = filePath;
        emit filePathChanged(filePath_);
    }
    install(file, std::move(*built));
    emit modifiedChanged(false);
    return true;
}

bool NetworkDocument::restoreUnsaved(const NetworkFile& file, const QString& filePath, QString* error)
{
    if (!reset(file, filePath, error))
        return false;
    undoStack_->resetClean();  // no state of this history is saved on disk
    emit modifiedChanged(true);
    return true;
}

void autosaveNetwork(Autosave& autosave, NetworkDocument* network)
{
    const int source = autosave.addSource({Autosave::kNetworkSuffix, [network] { return network->isModified(); },
                                           [network] { return network->filePath(); },
                                           [network] { return networkFileJson(network->file()); }});
    QObject::connect(network, &NetworkDocument::changed, &autosave, [&autosave, source] { autosave.changed(source); });
    QObject::connect(network, &NetworkDocument::modifiedChanged, &autosave, [&autosave, source](bool modified) {
        if (!modified)
            autosave.saved(source);
    });
}

bool NetworkDocument::open(const QString& filePath, QString* error)
{
    const QString name = QFileInfo(filePath).fileName();
    std::string text;
    if (const auto what = readRegularFile(QFile::encodeName(filePath).toStdString(), kMaxNetworkFileBytes, text,
                                          "network file")) {
        if (error)
            *error = name + QStringLiteral(": ") + QString::fromStdString(*what);
        return false;
    }
    NetworkFileLoad load = parseNetworkFile(text);
    if (!load.ok()) {
        if (error)
            *error = name + QStringLiteral(": ") + firstProblem(load.problems);
        return false;
    }
    return reset(*load.file, filePath, error);
}

bool NetworkDocument::save(const QString& filePath, QString* error)
{
    if (!files::writeFileAtomically(filePath, QByteArray::fromStdString(networkFileJson(file_)), error))
        return false;
    undoStack_->setClean();
    if (filePath_ != filePath) {
        filePath_ = filePath;
        emit filePathChanged(filePath_);
    }
    return true;
}

bool NetworkDocument::setLayers(int layers)
{
    NetworkFile after = file_;
    after.layers = layers;
    return commit(tr("Set layers = %1").arg(layers), after);
}

bool NetworkDocument::setWidth(int width)
{
    NetworkFile after = file_;
    after.width = width;
    return commit(tr("Set width = %1").arg(width), after);
}

bool NetworkDocument::setNorm(std::optional<Layer> norm)
{
    NetworkFile after = file_;
    after.norm = norm;
    return commit(tr("Set norm = %1").arg(norm ? QString::fromUtf8(layerName(*norm).data()) : QStringLiteral("none")), after);
}

bool NetworkDocument::setActivation(Activation activation)
{
    NetworkFile after = file_;
    after.activation = activation;
    return commit(tr("Set activation = %1").arg(QString::fromUtf8(activationName(activation).data())), after);
}

bool NetworkDocument::setGain(double gain, bool merge)
{
    NetworkFile after = file_;
    after.gain = gain;
    return commit(tr("Set gain = %1").arg(gain, 0, 'g', 6), after, merge ? QStringLiteral("gain") : QString());
}

bool NetworkDocument::setBias(bool bias)
{
    NetworkFile after = file_;
    after.bias = bias;
    return commit(bias ? tr("Add biases") : tr("Remove biases"), after);
}

bool NetworkDocument::setBatch(int n)
{
    auto* seeded = std::get_if<SeededData>(&file_.data);
    if (!seeded) {
        emit editRefused(tr("Set batch: the data comes from a file; its batch is the file's"));
        return false;
    }
    NetworkFile after = file_;
    std::get<SeededData>(after.data).n = n;
    return commit(tr("Set batch = %1").arg(n), after);
}

bool NetworkDocument::setSeed(std::uint64_t seed)
{
    NetworkFile after = file_;
    after.seed = seed;
    return commit(tr("Set seed = %1").arg(seed), after);
}

bool NetworkDocument::setLr(double lr)
{
    NetworkFile after = file_;
    after.lr = lr;
    return commit(tr("Set lr = %1").arg(lr, 0, 'g', 6), after);
}

}  // namespace bnflow::ui
