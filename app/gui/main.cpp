// bnflow: the GUI. `bnflow [SESSION] [--screenshot FILE.png] [--step K] [--view NAME]`.
#include <check/check_panel.h>
#include <depth/network_document.h>
#include <document/autosave.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <files/atomic_write.h>
#include <plots/plot_builders.h>
#include <plots/plots_panel.h>
#include <precision/lens_state.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_state.h>
#include <window/file_actions.h>
#include <window/main_window.h>

#include <core/teach/catalogue.h>

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace {

int fail(int code, const QString& message)
{
    std::fprintf(stderr, "bnflow: %s\n", qPrintable(message));
    return code;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bnflow"));
    QApplication::setOrganizationName(QStringLiteral("bnflow"));
    QApplication::setApplicationVersion(QStringLiteral(BNFLOW_VERSION));
    // The installed menu entry and icon (resources/desktop): the desktop ties windows to them.
    QApplication::setDesktopFileName(QStringLiteral("io.github.bnflow.Bnflow"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.bnflow.Bnflow")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("See the gradient flow through a Batch Normalization layer."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("SESSION"),
                                 QStringLiteral("a .bnflow.json session (default: the built-in example), or a "
                                                ".bnflow-net.json network, shown in the Depth tab"),
                                 QStringLiteral("[SESSION]"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("render the window to FILE.png and exit"),
                                        QStringLiteral("FILE"));
    parser.addOption(screenshot);
    const QCommandLineOption step(QStringLiteral("step"),
                                  QStringLiteral("open the walkthrough at step K (1 to %1 for batch norm; "
                                                 "each layer has its own count)")
                                      .arg(bnflow::steps().size()),
                                  QStringLiteral("K"));
    parser.addOption(step);
    const QCommandLineOption view(QStringLiteral("view"),
                                  QStringLiteral("show NAME: results, walkthrough, check, compare, running, depth, lecture, or a plot (%1)")
                                      .arg(bnflow::ui::plotNames().join(QStringLiteral(", "))),
                                  QStringLiteral("NAME"));
    parser.addOption(view);
    const QCommandLineOption check(QStringLiteral("check"),
                                   QStringLiteral("open Check my gradient with FILE loaded: an .npz of dx, dgamma, dbeta, "
                                                  "or one array (a name with dgamma or dbeta in it is that tensor, else dx); "
                                                  "may be given more than once"),
                                   QStringLiteral("FILE"));
    parser.addOption(check);
    const QCommandLineOption precision(QStringLiteral("precision"),
                                       QStringLiteral("open with the precision lens on: bf16, f16 or f32 (doc/precision.md)"),
                                       QStringLiteral("TYPE"));
    parser.addOption(precision);
    const QCommandLineOption accumulate(QStringLiteral("accumulate"),
                                        QStringLiteral("with --precision, the sums in same (the default), f32 or f64"),
                                        QStringLiteral("TYPE"));
    parser.addOption(accumulate);
    // Not parser.process(): it exits with status 1 on an unknown option, where every other
    // usage error of bnflow (and bnflow-cli) exits with 2.
    if (!parser.parse(QApplication::arguments()))
    {
        QString error = parser.errorText();
        if (error.endsWith(QLatin1Char('.')))
            error.chop(1);
        return fail(2, error + QStringLiteral("; see bnflow --help"));
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return fail(2, QStringLiteral("unexpected argument '%1'; see bnflow --help").arg(positional[1]));
    const bool rendering = parser.isSet(screenshot);

    bnflow::ui::DisplaySettings display;
    if (rendering) {  // the same picture on every machine: defaults, not this user's settings
        display.setTheme(bnflow::ui::Theme::Light);
        display.setFontPointSize(10);
    } else {
        display.load();
    }
    bnflow::ui::SessionDocument document;
    bnflow::ui::MainWindow window(&document, &display);
    if (!rendering)
        window.restoreLayout();

    // Crash recovery: a previous run that died with unsaved changes left them here. Copies of
    // instances still running are theirs, never offered (see autosave.h).
    std::unique_ptr<bnflow::ui::Autosave> autosave;
    bool restored = false;
    bool networkRestored = false;
    const auto offerRestore = [](const QString& originalPath, const QString& untitled, const QDateTime& savedAt) {
        const QString what = originalPath.isEmpty() ? untitled : QFileInfo(originalPath).fileName();
        return QMessageBox::question(nullptr, QObject::tr("Restore unsaved work?"),
                                     QObject::tr("bnflow did not close properly. Restore the unsaved changes to %1, "
                                                 "autosaved %2?").arg(what, savedAt.toString(Qt::TextDate)),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) == QMessageBox::Yes;
    };
    if (!rendering) {
        const QString directory = bnflow::ui::Autosave::defaultDirectory();
        bnflow::ui::Autosave::sweepStaleLocks(directory);
        QString recoveryError;
        const auto recovery = bnflow::ui::Autosave::pending(directory, &recoveryError);
        if (recovery) {
            if (offerRestore(recovery->originalPath, QObject::tr("an untitled session"), recovery->savedAt)) {
                document.restoreUnsaved(recovery->session, recovery->originalPath);
                restored = true;
            }
        } else if (!recoveryError.isEmpty()) {
            std::fprintf(stderr, "bnflow: the autosaved session cannot be read: %s\n", qPrintable(recoveryError));
        }
        autosave = std::make_unique<bnflow::ui::Autosave>(&document, directory);
        if (recovery) {
            autosave->writeNow();  // restored work is in this instance's copy before the old one goes
            bnflow::ui::Autosave::discard(*recovery);
        }
        // The Depth tab's network, likewise.
        QString networkError;
        const auto networkRecovery = bnflow::ui::Autosave::pendingNetwork(directory, &networkError);
        if (networkRecovery) {
            bool keepCopy = false;  // a copy that could not be restored stays, to be rescued by hand
            if (offerRestore(networkRecovery->originalPath, QObject::tr("an untitled network (the Depth tab)"),
                             networkRecovery->savedAt)) {
                QString problem;
                networkRestored = window.networkDocument()->restoreUnsaved(networkRecovery->file,
                                                                           networkRecovery->originalPath, &problem);
                if (!networkRestored) {
                    keepCopy = true;
                    QMessageBox::warning(nullptr, QObject::tr("Cannot restore network"),
                                         QObject::tr("%1\n\nThe autosaved copy is kept at %2.")
                                             .arg(problem, networkRecovery->copyPath));
                }
            }
            bnflow::ui::autosaveNetwork(*autosave, window.networkDocument());
            autosave->writeNow();  // restored work is in this instance's copy before the old one goes
            if (!keepCopy)
                bnflow::ui::Autosave::discard(*networkRecovery);
        } else {
            if (!networkError.isEmpty())
                std::fprintf(stderr, "bnflow: the autosaved network cannot be read: %s\n", qPrintable(networkError));
            bnflow::ui::autosaveNetwork(*autosave, window.networkDocument());
        }
    }

    QString openError;
    // A network (its "format" says so) opens in the Depth tab; the session stays the example.
    const bool network = !positional.isEmpty() && bnflow::ui::FileActions::isNetworkFile(positional.front());
    if (networkRestored && (network || (positional.isEmpty() && !restored)))
        window.showView(QStringLiteral("depth"));
    if (network && networkRestored) {  // the restored work stays; the file named is not opened over it
        std::fprintf(stderr, "bnflow: restored the unsaved network; %s not opened\n", qPrintable(positional.front()));
    } else if (network) {
        if (!window.networkDocument()->open(positional.front(), &openError)) {
            if (rendering)
                return fail(2, openError);
            std::fprintf(stderr, "bnflow: %s\n", qPrintable(openError));
            QTimer::singleShot(0, &window, [&window, openError] {
                QMessageBox::warning(&window, QObject::tr("Cannot open network"), openError);
            });
        } else {
            window.showView(QStringLiteral("depth"));
        }
    } else if (!restored && !positional.isEmpty() && !document.open(positional.front(), &openError)) {
        if (rendering)
            return fail(2, openError);
        std::fprintf(stderr, "bnflow: %s\n", qPrintable(openError));
        QTimer::singleShot(0, &window, [&window, openError] {
            QMessageBox::warning(&window, QObject::tr("Cannot open session"),
                                 openError + QObject::tr("\n\nShowing the built-in example instead."));
        });
    }
    if (parser.isSet(step)) {
        bool ok = false;
        const int k = parser.value(step).toInt(&ok);
        // The session's layer has its own number of steps (RMSNorm 16, batch norm 25).
        const int count = int(document.steps().size());
        if (!ok || k < 1 || k > count)
            return fail(2, QStringLiteral("--step expects a number from 1 to %1 (the steps of this session's layer), got '%2'")
                               .arg(count).arg(parser.value(step)));
        window.walkthroughState()->setStep(k - 1);
        window.showView(QStringLiteral("walkthrough"));
    }
    if (parser.isSet(check)) {
        for (const QString& file : parser.values(check)) {
            window.checkPanel()->loadFile(file);
            if (!window.checkPanel()->problem().isEmpty() && rendering)
                return fail(2, QStringLiteral("--check: %1").arg(window.checkPanel()->problem()));
        }
        window.showView(QStringLiteral("check"));
    }
    if (parser.isSet(precision)) {
        const QByteArray type = parser.value(precision).toLatin1();
        const QByteArray sums = parser.value(accumulate).toLatin1();
        const auto lensType = bnflow::numberTypeNamed(type.constData());
        const auto sumType = bnflow::numberTypeNamed(sums.constData());
        if (!lensType || *lensType == bnflow::NumberType::F64)
            return fail(2, QStringLiteral("--precision expects bf16, f16 or f32, got '%1'").arg(parser.value(precision)));
        if (parser.isSet(accumulate) && sums != "same" &&
            (!sumType || !bnflow::fitsIn(*lensType, *sumType) || *sumType == bnflow::NumberType::BF16 ||
             *sumType == bnflow::NumberType::F16))
            return fail(2, QStringLiteral("--accumulate expects same, f32 or f64 (at least as wide as --precision), got '%1'")
                               .arg(parser.value(accumulate)));
        window.lens()->setLens(lensType, sums == "same" ? std::nullopt : sumType);
    } else if (parser.isSet(accumulate)) {
        return fail(2, QStringLiteral("--accumulate without --precision; see bnflow --help"));
    }
    if (parser.isSet(view) && !window.showView(parser.value(view)))
        return fail(2, QStringLiteral("--view: unknown view '%1'; expected results, walkthrough, check, compare, running, depth, "
                                      "lecture or a plot name (see bnflow --help)").arg(parser.value(view)));
    if (!rendering)  // a rendered picture keeps its fixed size, whatever the screen
        window.fitToScreen();
    if (!window.lectureMode()->isActive())
        window.show();
    if (!rendering && !window.lectureMode()->isActive())
        window.showStartHereOnFirstRun();  // once per user (QSettings); a picture never shows it

    if (rendering) {
        QApplication::processEvents();
        window.lens()->waitForReport();  // a large batch's precision report
        while (window.plotsPanel()->computing())  // a plot built on the worker thread
            QApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QApplication::processEvents();  // lay out a plot that arrived meanwhile
        // Encoded in memory, then written whole: a full disk never leaves half a PNG behind.
        const QString file = parser.value(screenshot);
        QByteArray png;
        QBuffer buffer(&png);
        if (!buffer.open(QIODevice::WriteOnly) || !window.grab().save(&buffer, "PNG"))
            return fail(1, bnflow::files::writeError(file, QObject::tr("the window could not be rendered")));
        QString error;
        if (!bnflow::files::writeFileAtomically(file, png, &error))
            return fail(1, error);
        return 0;
    }
    const int status = QApplication::exec();
    autosave->finish();  // closed normally: nothing to recover next time
    return status;
}
