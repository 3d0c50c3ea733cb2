//! The buffer in front of a JSON report's destination.
//!
//! The report is written a few bytes at a time: a key, its quotes and colon, a short string,
//! a line break and its indentation. Through `std::io::BufWriter`, each of these was a call
//! to copy a slice of any length. Here a piece of up to 16 bytes is copied as two words
//! (which may overlap), and a line's indentation 16 spaces at a time, into a buffer that
//! always has room for them.

use std::io::Write;

/// The buffer's size.
const SIZE: usize = 1 << 16;
/// Room kept past the end of what is written, so that a short piece may be copied as whole
/// words: the longest a piece is written so.
const SLACK: usize = 16;
/// The indentation written at once by [`Out::line`]: 64 levels.
const MOST: usize = 128;

/// A buffer in front of `inner`, counting the bytes written through it.
pub(crate) struct Out<W: Write> {
    buf: Box<[u8]>,
    len: usize,
    inner: W,
    /// Bytes handed to `inner` so far.
    flushed: usize,
}

impl<W: Write> Out<W> {
    pub(crate) fn new(inner: W) -> Out<W> {
        Out {
            // Room for a line at the greatest indentation written at once, and its slack.
            buf: vec![b' '; SIZE + 2 + MOST + SLACK].into_boxed_slice(),
            len: 0,
            inner,
            flushed: 0,
        }
    }

    /// How many bytes were written through it.
    pub(crate) fn bytes(&self) -> usize {
        self.flushed + self.len
    }

    /// Writes `bytes`.
    #[inline]
    pub(crate) fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let n = bytes.len();
        if n <= SLACK && self.len < SIZE {
            let at = &mut self.buf[self.len..self.len + SLACK];
            if n >= 8 {
                at[..8].copy_from_slice(&bytes[..8]);
                at[n - 8..n].copy_from_slice(&bytes[n - 8..]);
            } else if n >= 4 {
                at[..4].copy_from_slice(&bytes[..4]);
                at[n - 4..n].copy_from_slice(&bytes[n - 4..]);
            } else {
                for (to, from) in at.iter_mut().zip(bytes) {
                    *to = *from;
                }
            }
            self.len += n;
            Ok(())
        } else {
            self.put_long(bytes)
        }
    }

    #[cold]
    fn put_long(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.len + bytes.len() > SIZE {
            self.drain()?;
        }
        if bytes.len() >= SIZE {
            self.flushed += bytes.len();
            return self.inner.write_all(bytes);
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        Ok(())
    }

    /// A line break, after a comma unless `first`, and the indentation of `depth` levels
    /// (two spaces each), as serde_json's `PrettyFormatter` writes them.
    #[inline]
    pub(crate) fn line(&mut self, first: bool, depth: usize) -> std::io::Result<()> {
        let width = 2 * depth;
        if width > MOST || self.len >= SIZE {
            return self.line_long(first, width);
        }
        let lead: &[u8] = if first { b"\n" } else { b",\n" };
        let at = self.len;
        self.buf[at..at + 2].copy_from_slice(b",\n");
        let start = at + lead.len();
        if first {
            self.buf[at] = b'\n';
        }
        // The spaces 16 at a time, up to the width or a little past it: what is past it is
        // written over next.
        let mut k = 0;
        while k < width {
            self.buf[start + k..start + k + 16].copy_from_slice(&[b' '; 16]);
            k += 16;
        }
        self.len = start + width;
        Ok(())
    }

    #[cold]
    fn line_long(&mut self, first: bool, mut width: usize) -> std::io::Result<()> {
        self.put_long(if first { b"\n" } else { b",\n" })?;
        while width > 0 {
            let n = width.min(MOST);
            self.put_long(&[b' '; MOST][..n])?;
            width -= n;
        }
        Ok(())
    }

    /// Hands what is buffered to `inner`.
    fn drain(&mut self) -> std::io::Result<()> {
        let n = self.len;
        self.len = 0;
        self.flushed += n;
        self.inner.write_all(&self.buf[..n])
    }

    /// Hands what is buffered to `inner`, and flushes it.
    pub(crate) fn finish(&mut self) -> std::io::Result<()> {
        self.drain()?;
        self.inner.flush()
    }
}

impl<W: Write> Write for Out<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.put(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.put(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain()?;
        self.inner.flush()
    }
}
