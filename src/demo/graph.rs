//! The association graph: enterprises are grouped in blocks of `BLOCK` consecutive indices, and
//! some blocks hold a group of related firms (a small business group around a hub). Members of a
//! group share a risk factor, so linked firms have correlated risk; firms outside groups have
//! no associations. A block's plan is drawn from its own stream, so every member of a group
//! computes the same plan independently, in any thread.

use super::rng::{self, Purpose};
use crate::domain::records::AssociationKind;

pub const BLOCK: u64 = 8;
/// Chance that a block holds a group.
const GROUP_CHANCE: f64 = 0.55;
/// Share of a member's risk that comes from the group factor (the correlation of two members'
/// latent risks).
pub const GROUP_CORRELATION: f64 = 0.5;

/// One association: the row is stored under `owner` and names `other` as the related party.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub owner: u64,
    pub other: u64,
    pub kind: AssociationKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub hub: u64,
    pub members: Vec<u64>,
    /// The shared risk factor, N(0, 1).
    pub factor: f64,
    pub links: Vec<Link>,
}

#[cfg(test)]
impl Group {
    pub fn contains(&self, index: u64) -> bool {
        self.members.contains(&index)
    }
}

/// The group of the block holding `index`, if any, restricted to the indices in `range` (the
/// population being generated: links never point outside it).
pub fn group_of(seed: u64, index: u64, range: &std::ops::Range<u64>) -> Option<Group> {
    let block = index / BLOCK;
    let mut r = rng::stream(seed, Purpose::Block, block);
    if !rng::chance(&mut r, GROUP_CHANCE) {
        return None;
    }
    let size = (2 + rng::poisson(&mut r, 1.0)).min(BLOCK as i64) as usize;
    // A partial shuffle of the block's slots picks the members; the first is the hub.
    let mut slots: Vec<u64> = (0..BLOCK).collect();
    for i in 0..size {
        let j = i + rng::below(&mut r, BLOCK - i as u64) as usize;
        slots.swap(i, j);
    }
    let factor = rng::normal(&mut r);
    let drawn: Vec<u64> = slots[..size].iter().map(|s| block * BLOCK + s).collect();
    // Every draw is made before filtering, so the plan inside the range never depends on where
    // the range ends.
    let kinds: Vec<AssociationKind> = drawn[1..]
        .iter()
        .map(|_| {
            use AssociationKind::*;
            [Shareholder, Guarantee, SameLegalRepresentative, SupplyChain]
                [rng::weighted(&mut r, &[0.45, 0.25, 0.2, 0.1])]
        })
        .collect();
    let extra_supply = drawn.len() >= 3 && rng::chance(&mut r, 0.4);
    let members: Vec<u64> = drawn
        .iter()
        .copied()
        .filter(|i| range.contains(i))
        .collect();
    if members.len() < 2 || !members.contains(&index) {
        return None;
    }
    let hub = members[0];
    let mut links = Vec::new();
    for (member, kind) in drawn[1..].iter().zip(kinds) {
        if !range.contains(member) || *member == hub {
            continue;
        }
        match kind {
            // The hub holds shares in the member: the member's record names its shareholder.
            AssociationKind::Shareholder => links.push(Link {
                owner: *member,
                other: hub,
                kind,
            }),
            // The hub guarantees the member's debts: the guarantor carries the exposure.
            AssociationKind::Guarantee => links.push(Link {
                owner: hub,
                other: *member,
                kind,
            }),
            // Symmetric relations are recorded on both sides.
            AssociationKind::SameLegalRepresentative | AssociationKind::SupplyChain => {
                links.push(Link {
                    owner: *member,
                    other: hub,
                    kind,
                });
                links.push(Link {
                    owner: hub,
                    other: *member,
                    kind,
                });
            }
        }
    }
    if extra_supply && members.len() >= 3 {
        let (a, b) = (members[1], members[2]);
        links.push(Link {
            owner: a,
            other: b,
            kind: AssociationKind::SupplyChain,
        });
        links.push(Link {
            owner: b,
            other: a,
            kind: AssociationKind::SupplyChain,
        });
    }
    Some(Group {
        hub,
        members,
        factor,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_sees_the_same_group_and_links_stay_inside() {
        let range = 0..4_000;
        let mut grouped = 0;
        for i in range.clone() {
            if let Some(g) = group_of(9, i, &range) {
                grouped += 1;
                for m in &g.members {
                    assert_eq!(group_of(9, *m, &range).as_ref(), Some(&g));
                }
                for l in &g.links {
                    assert!(g.contains(l.owner) && g.contains(l.other) && l.owner != l.other);
                }
            }
        }
        // Sparse: a minority of firms belongs to a group.
        let share = grouped as f64 / 4_000.0;
        assert!((0.1..0.35).contains(&share), "{share}");
        // A narrower range only drops members; it never changes what is inside.
        let narrow = 5..4_000;
        for i in 8..4_000 {
            assert_eq!(group_of(9, i, &narrow), group_of(9, i, &range));
        }
    }
}
