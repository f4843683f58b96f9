// "Check my gradient": the student's own dx, dgamma, dbeta (files or one .npz, by dialog or
// drag and drop) judged against the document's session, one verdict line per tensor, an error
// heatmap, and the known mistakes it matches with a way to the walkthrough step of each.
#pragma once

#include <core/teach/check.h>
#include <core/teach/student_files.h>

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace bnflow::ui {

class ErrorHeatmap;
class SessionDocument;

class CheckPanel : public QWidget {
    Q_OBJECT
public:
    explicit CheckPanel(const SessionDocument* document, QWidget* parent = nullptr);

    // Takes a file as the student's dx, dgamma or dbeta ("dx", "dgamma", "dbeta"), or as an
    // archive ("npz"), then checks. "" guesses from the name: *.npz is an archive, a name with
    // dgamma or dbeta in it is that tensor, anything else dx.
    void loadFile(const QString& path, const QString& which = {});
    void clear();

    // What is shown, for tests and for the window.
    const std::optional<CheckResult>& result() const { return result_; }
    // The student's own tensors, as read for the latest check (none when nothing is loaded).
    const std::optional<StudentGradients>& student() const { return student_; }
    QString problem() const;                // the one-line problem shown, or empty
    QString verdictLine(int tensor) const;  // the line of the k-th tensor handed in
    QListWidget* diagnosisList() const { return diagnosis_; }
    QString explanationText() const;  // the selected mistake's explanation, as shown
    QPushButton* showStepButton() const { return showStep_; }
    ErrorHeatmap* heatmap() const { return heatmap_; }

    // The index in steps() (catalogue.h) of a mistake's step, or -1 when the catalogue has none.
    static int stepIndex(std::string_view stepId);

signals:
    void showStep(int stepIndex);  // "Show in walkthrough" on the selected mistake
    void resultChanged();          // after every check, and after clear()

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void chooseFile(const QString& which);
    void refresh();
    void showHeatmap();
    void showExplanation();

    const SessionDocument* document_;
    StudentFiles files_;                // what the student handed in; re-read on every check
    std::optional<CheckResult> result_; // the latest check, when it could be made
    std::optional<StudentGradients> student_;  // what that check read
    QLabel* filesLabel_;
    QLabel* problem_;
    QLabel* reference_;      // which reference and tolerance the verdicts used
    QLabel* verdicts_[3];
    QCheckBox* textFloat32_; // text files hold float32 answers
    QComboBox* heatmapTensor_;
    ErrorHeatmap* heatmap_;
    QListWidget* diagnosis_;
    QLabel* explanation_;
    QPushButton* showStep_;
};

}  // namespace bnflow::ui
