// The network of the Depth tab (doc/depth.md#the-depth-tab): its file (*.bnflow-net.json), the
// network and data built from it, what core computed from them, and its own undo stack. Every
// setting edit is one QUndoCommand; after any change the pictures are computed once and
// changed() is emitted once. Views read from it; they never keep numbers.
#pragma once

#include <core/io/network_files.h>
#include <core/io/network_json.h>
#include <core/net/depth_picture.h>

#include <QObject>
#include <QString>

#include <optional>

class QUndoStack;

namespace bnflow::ui {

class Autosave;
class NetworkDocument;

// Has `autosave` keep a copy of the network while it has unsaved changes (autosave.h).
void autosaveNetwork(Autosave& autosave, NetworkDocument* network);

class NetworkDocument : public QObject {
    Q_OBJECT
public:
    explicit NetworkDocument(QObject* parent = nullptr);

    // The default network: 5 hidden layers of 100 tanh units with batch norm, gain 5/3, batch 32
    // of 30 inputs and 27 classes (makemore's shapes), data seed 1, weight seed 42.
    static NetworkFile defaultFile();

    const NetworkFile& file() const { return file_; }
    const Network& network() const { return inputs_.network; }
    const Dataset& data() const { return inputs_.data; }
    const DepthPass& pass() const { return pass_; }
    const DepthPicture& picture() const { return picture_; }
    // The same network with another norm (Compare), on ranges shared with picture(); nullptr when
    // not comparing or when that network cannot be built (compareProblem() says why).
    const DepthPicture* comparePicture() const { return compare_ ? &*compare_ : nullptr; }
    QString compareProblem() const { return compareProblem_; }
    bool comparing() const { return comparing_; }
    std::optional<Layer> compareNorm() const { return compareNorm_; }
    // Not an edit of the file (no undo step, not saved): what the tab shows beside the network.
    void setCompare(bool on, std::optional<Layer> norm = std::nullopt);

    // The session of hidden layer k's norm (core's normSession); nullopt without a norm or for
    // a k out of range.
    std::optional<Session> normSession(int k) const;

    QUndoStack* undoStack() const { return undoStack_; }
    QString filePath() const { return filePath_; }
    QString folder() const;  // where the file's data and weights names are read from
    bool isModified() const;

    // Files. On failure false with a one-line message naming the file and what is wrong; the
    // document is left as it was. save() writes the file whole or not at all.
    bool open(const QString& filePath, QString* error);
    bool save(const QString& filePath, QString* error);
    // A fresh document (no undo history) holding `file` (an example); false with the message
    // when it cannot be built, and nothing changes.
    bool reset(const NetworkFile& file, const QString& filePath, QString* error);
    // After a crash: `file` as unsaved changes to filePath (empty: untitled), its names read
    // from filePath's folder; false with the message when it cannot be built.
    bool restoreUnsaved(const NetworkFile& file, const QString& filePath, QString* error);

    // Edits: one undo step each. A refused edit (out of range, or a network the limits or its
    // files do not allow) changes nothing, emits editRefused(message) and returns false.
    bool setLayers(int layers);
    bool setWidth(int width);
    bool setNorm(std::optional<Layer> norm);
    bool setActivation(Activation activation);
    // merge: one step of a slider drag, merged with the drag's earlier steps.
    bool setGain(double gain, bool merge = false);
    bool setBias(bool bias);
    bool setBatch(int n);  // seeded data only: data.n
    bool setSeed(std::uint64_t seed);
    bool setLr(double lr);
    // The whole file replaced as one undo step (what every edit above does).
    bool commit(const QString& description, const NetworkFile& after, const QString& mergeKey = {});

signals:
    void changed();
    void editRefused(const QString& message);
    void filePathChanged(const QString& filePath);
    void modifiedChanged(bool modified);

private:
    friend class NetworkCommand;
    struct Built {
        NetworkInputs inputs;
        DepthPass pass;
    };
    // The network and its first pass, or the first problem in one line.
    std::optional<Built> build(const NetworkFile& file, const QString& folder, QString* error) const;
    void replace(const NetworkFile& file);  // no undo command: for the commands
    void install(NetworkFile file, Built built);
    void recomputeCompare();

    // What commit() built to check an edit, for the command's first redo to install instead of
    // building it again; the text of the file it was built from.
    std::optional<std::pair<std::string, Built>> checked_;
    NetworkFile file_;
    NetworkInputs inputs_;
    DepthPass pass_;
    DepthPicture picture_;
    std::optional<DepthPicture> compare_;
    QString compareProblem_;
    bool comparing_ = false;
    std::optional<Layer> compareNorm_;
    QString filePath_;
    QUndoStack* undoStack_;
};

}  // namespace bnflow::ui
