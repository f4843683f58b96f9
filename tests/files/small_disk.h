// A tiny filesystem that is full, for the tests of what happens when a disk fills up. Mounting
// needs root: when not root, ok() is false and the test says SKIP. Unmounted on destruction.
#pragma once

#include <QString>
#include <QTemporaryDir>

namespace bnflow::test {

class SmallDisk {
public:
    // Mounts a 1 MiB tmpfs in a temporary folder, holding `keep` (a file of keepBytes bytes
    // named "old.*" by the caller through oldFile()) and then filled to the last byte.
    SmallDisk();
    ~SmallDisk();
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    bool ok() const { return mounted_; }
    QString why() const { return why_; }        // why ok() is false
    QString path(const QString& name) const;     // a path on the small disk
    void fill();                                 // takes every remaining byte

private:
    QTemporaryDir dir_;
    bool mounted_ = false;
    QString why_;
};

}  // namespace bnflow::test
