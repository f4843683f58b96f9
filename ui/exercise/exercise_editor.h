// The exercise's edits of the document (core/model/exercise.h): hiding and unhiding cells and
// steps, the lock, a mistake injected, a prediction revealed. Each is one undo step of the
// document, or a refusal with its reason as a status message (every lecturer's edit is refused
// while the exercise is locked). The Exercise tab's widgets and menu call these; the editor reads
// no widget but the results table it is handed.
#pragma once

#include <core/model/exercise.h>

#include <QObject>
#include <QString>

#include <string_view>
#include <vector>

class QAbstractItemView;

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;

class ExerciseEditor : public QObject {
    Q_OBJECT
public:
    ExerciseEditor(SessionDocument* document, const DisplaySettings* display, QObject* parent = nullptr);

    // The lecturer's; each refused (false, with a status message) while locked.
    bool hideCells(std::string_view quantityId, const std::vector<Cell>& cells);
    bool hideQuantity(std::string_view quantityId);  // a whole step or value
    bool unhideQuantity(std::string_view quantityId, const std::vector<Cell>& cells = {});
    bool hideSelectionOf(const QAbstractItemView* view);  // the selected cells of a results table
    bool setLocked(bool locked);
    bool inject(const QString& mistakeName);  // "" removes it
    // The student's: `typed` as the prediction of the hidden cell, revealed as one step.
    bool reveal(std::string_view quantityId, Cell cell, const QString& typed);

signals:
    void statusMessage(const QString& message);

private:
    bool edit(const Exercise& after, const QString& description, const QString& done);
    bool refuseWhenLocked(const QString& what);

    SessionDocument* document_;
    const DisplaySettings* display_;
};

}  // namespace bnflow::ui
