#include "small_disk.h"

#include <QFile>
#include <QProcess>

#include <unistd.h>

namespace bnflow::test {

SmallDisk::SmallDisk()
{
    if (::geteuid() != 0) {
        why_ = QStringLiteral("mounting a small tmpfs needs root");
        return;
    }
    const int status = QProcess::execute(QStringLiteral("mount"),
        {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
         QStringLiteral("size=1m"), QStringLiteral("bnflow-test"), dir_.path()});
    mounted_ = status == 0;
    if (!mounted_)
        why_ = QStringLiteral("mount -t tmpfs failed (status %1)").arg(status);
}

SmallDisk::~SmallDisk()
{
    if (mounted_)
        QProcess::execute(QStringLiteral("umount"), {dir_.path()});
}

QString SmallDisk::path(const QString& name) const
{
    return dir_.filePath(name);
}

void SmallDisk::fill()
{
    QFile filler(path(QStringLiteral("filler")));
    if (!filler.open(QIODevice::WriteOnly | QIODevice::Append))
        return;
    const QByteArray block(4096, 'f');
    while (filler.write(block) == block.size() && filler.flush()) {
    }
    // The last partial block, byte by byte, so that not even a small file fits.
    const QByteArray one(1, 'f');
    while (filler.write(one) == 1 && filler.flush()) {
    }
}

}  // namespace bnflow::test
