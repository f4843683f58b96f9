// The precision lens's setting (off, or a type T and the type its sums run in) and its report on
// the document's session (core/teach/precision_report.h). A display setting like the digits:
// it is not saved in the session file, and it starts off. The report follows every edit; a
// batch of more than kSynchronousEntries entries is computed on a worker thread, the latest
// edit winning.
#pragma once

#include <core/teach/precision_report.h>

#include <QFutureWatcher>
#include <QObject>

#include <memory>
#include <optional>

namespace bnflow::ui {

class SessionDocument;

class LensState : public QObject {
    Q_OBJECT
public:
    using Report = std::shared_ptr<const PrecisionReport>;
    static constexpr Eigen::Index kSynchronousEntries = 1 << 16;

    explicit LensState(const SessionDocument* document, QObject* parent = nullptr);
    ~LensState() override;

    // nullopt: the lens is off.
    std::optional<NumberType> type() const { return type_; }
    // nullopt: the sums run in T itself ("same").
    std::optional<NumberType> accumulate() const { return accumulate_; }
    bool isOn() const { return type_.has_value(); }
    // An accumulator narrower than T (f16 sums for an f32 T) runs in T instead.
    void setLens(std::optional<NumberType> type, std::optional<NumberType> accumulate = {});

    // The report for the session as it is now; nullptr while the lens is off or a new report is
    // being computed.
    const PrecisionReport* report() const { return report_.get(); }
    bool isComputing() const { return watcher_.isRunning(); }
    // Blocks until a report being computed has arrived (tests, the screenshot).
    void waitForReport();

signals:
    void changed();  // the setting, or its report (arrived, or gone stale while computing)

private:
    void recompute();
    void arrived();

    const SessionDocument* document_;
    std::optional<NumberType> type_, accumulate_;
    Report report_;
    QFutureWatcher<Report> watcher_;
    bool awaiting_ = false;  // a worker was started and its report not yet taken
    bool pending_ = false;  // the session or the setting changed while the worker ran
};

}  // namespace bnflow::ui
